import { CommanderError, type Command } from 'commander';
import { EXIT_OK, EXIT_USAGE } from './exit-codes';
import { allCommands } from './examples';
import { nearest } from './suggest';

/**
 * `run` is the default command, so commander hands it any first word it does not know and
 * answers "too many arguments for 'run'". A word in the command's place that names no command
 * is a slip: say so, and name the nearest command.
 */
export function unknownCommand(root: Command, args: readonly string[]): string | undefined {
  const first = args[0];
  if (first === undefined || first.startsWith('-')) return undefined;
  const known = root.commands.flatMap((c) => [c.name(), ...c.aliases()]);
  if (known.includes(first) || first === 'help') return undefined;
  const near = nearest(first, known);
  return (
    `lookout: unknown command "${first}"` +
    (near ? `: did you mean "${near}"?` : '') +
    `\n(lookout --help lists the commands)\n`
  );
}

/**
 * Commander exits 1 on a usage error; ours is 2, so that 1 keeps meaning "findings". With this,
 * commander throws instead of exiting, and exitCodeOf() maps what it threw.
 */
export function throwOnUsageErrors(root: Command): void {
  for (const cmd of [root, ...allCommands(root)]) cmd.exitOverride();
}

export function exitCodeOf(err: CommanderError): number {
  return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
}

export { CommanderError };

/**
 * `lookout alerts | head -1` closes the pipe early; the rest of the output has nowhere to go and
 * that is not an error (as with `ls | head`): exit quietly instead of dumping an EPIPE stack.
 */
export function quietOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
}
