/**
 * The real services the demo needs, through test/support/services-up.sh (it starts only those
 * not answering and lists each pid it launched, so the demo stops exactly those).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

const ROOT = path.resolve(__dirname, '..');

/** Runs services-up.sh, narrating its lines; resolves with the env file it wrote. */
export function servicesUp(
  startedList: string,
  say: (line: string) => void,
): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(ROOT, 'test/support/services-up.sh')], {
      env: { ...process.env, STARTED_LIST: startedList },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    readline.createInterface({ input: child.stdout }).on('line', (l) => say(`  ${l}`));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`services-up.sh failed (${code})`));
      const dir = process.env.SVC_DIR ?? '/var/tmp/lookout-services';
      const env: Record<string, string> = {};
      for (const m of fs.readFileSync(path.join(dir, 'env'), 'utf8').matchAll(/([A-Z_]+)=(\S+)/g))
        env[m[1]!] = m[2]!;
      resolve(env);
    });
  });
}

/** Stops each service the list names (a pid per line, written as each one launched). */
export function stopStartedServices(startedList: string, say: (line: string) => void): void {
  if (!fs.existsSync(startedList)) return;
  for (const line of fs.readFileSync(startedList, 'utf8').trim().split('\n').filter(Boolean)) {
    const [name, pid] = line.split(' ');
    try {
      process.kill(Number(pid), 'SIGTERM');
      say(`    ${name} (pid ${pid})`);
    } catch {
      /* already gone */
    }
  }
}
