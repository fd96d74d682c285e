/**
 * `lookout run` as the demo starts it: a child process whose JSON log lines are narrated (what
 * it watches, how many rules it loaded, any error), the rest of its log left out of the story.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

const ROOT = path.resolve(__dirname, '..');

export interface LookoutProcess {
  readonly child: ChildProcess;
  /** Settles with the exit code when the process ends, however it ends. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

export function startLookout(
  configFile: string,
  env: Record<string, string>,
  say: (line: string) => void,
): LookoutProcess {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/lookout'), 'run', '--config', configFile], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  readline.createInterface({ input: child.stderr }).on('line', (line) => narrate(line, say));
  return {
    child,
    exited,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function narrate(line: string, say: (line: string) => void): void {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return say(`  lookout: ${line}`);
  }
  if (rec.msg === 'docker discovery running')
    say(`  lookout: watching ${String(rec.containers)} containers on ${String(rec.endpoint)}`);
  else if (rec.msg === 'rules loaded') say(`  lookout: ${String(rec.rules)} rules loaded`);
  else if (typeof rec.level === 'number' && rec.level >= 50)
    say(`  lookout ERROR: ${String(rec.msg)} ${rec.err ? JSON.stringify(rec.err).slice(0, 200) : ''}`);
}
