import { LookoutError } from '../../core/errors';
import { EXIT_UNREACHABLE, EXIT_USAGE } from '../usage/exit-codes';
import { UnreachableError } from './http';

/**
 * Prints what a command that asks a running lookout produced, and sets the exit code: 3 when
 * lookout did not answer, 2 for a bad matcher, duration or token file; anything else is a bug
 * and goes on to main's handler with its stack.
 */
export async function printAnswer(name: string, run: Promise<string>): Promise<void> {
  try {
    process.stdout.write(`${await run}\n`);
  } catch (err) {
    if (!(err instanceof LookoutError)) throw err;
    process.stderr.write(`lookout ${name}: ${err.message}\n`);
    process.exitCode = err instanceof UnreachableError ? EXIT_UNREACHABLE : EXIT_USAGE;
  }
}
