import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const ROOT = path.resolve(__dirname, '..', '..');

export interface LookoutProcess {
  child: ChildProcess;
  /** Every JSON log line the process printed so far (stderr), parsed. */
  logs: Array<Record<string, unknown>>;
  /** Lines that were not JSON (stdout sink output is on stdout, kept here as strings). */
  stdout: string[];
  dir: string;
  /** Resolves with the first log line matching, rejects after the deadline with the log tail. */
  waitForLog(
    what: string,
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** SIGTERM, then SIGKILL after a grace period; resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

/**
 * Starts `bin/lookout <args>` as a child process with JSON logs, a private state folder and the
 * given config text, as a user would run it. Tests stop it by pid in afterAll.
 */
export function startLookout(opts: {
  args: string[];
  config?: string;
  env?: NodeJS.ProcessEnv;
  dir?: string;
}): LookoutProcess {
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-proc-'));
  const args = [...opts.args];
  if (opts.config !== undefined) {
    const file = path.join(dir, 'lookout.yaml');
    fs.writeFileSync(file, opts.config);
    args.push('--config', file);
  }
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'lookout'), ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      LOOKOUT_LOG__FORMAT: 'json',
      LOOKOUT_STATE__PATH: path.join(dir, 'state.db'),
      LOOKOUT_HTTP__LISTEN: '127.0.0.1:0',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  const stdout: string[] = [];
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());
  readline.createInterface({ input: child.stderr }).on('line', (line) => {
    try {
      logs.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      logs.push({ msg: line, raw: true });
    }
    notify();
  });
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    stdout.push(line);
    notify();
  });
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      notify();
      resolve(code);
    }),
  );

  const waitForLog: LookoutProcess['waitForLog'] = (what, match, timeoutMs = 60_000) =>
    new Promise((resolve, reject) => {
      let seen = 0;
      const check = () => {
        for (; seen < logs.length; seen++) {
          if (match(logs[seen]!)) {
            done();
            return resolve(logs[seen]!);
          }
        }
        if (exitCode !== undefined) {
          done();
          reject(new Error(`lookout exited (${exitCode}) before ${what}; last logs:\n${tail()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last logs:\n${tail()}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  const tail = () =>
    logs
      .slice(-15)
      .map((l) => JSON.stringify(l))
      .join('\n');

  const stop: LookoutProcess['stop'] = async (signal = 'SIGTERM') => {
    if (exitCode !== undefined) return exitCode;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return { child, logs, stdout, dir, waitForLog, stop, exited };
}
