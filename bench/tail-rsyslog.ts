import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface RsyslogResult {
  lines: number;
  wallMs: number;
  cpuMs: number;
  version: string;
}

const RSYSLOGD = '/usr/sbin/rsyslogd';

function cpuMsOf(pid: number): number {
  // utime + stime of the whole process (all threads), in clock ticks (100/s on Linux).
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

/**
 * The baseline: rsyslogd with imfile reading the same file from the start and omfile writing
 * each message (the raw line) to a file. Finished when the output holds `expected` lines
 * (polled by size: every line is the same length).
 */
export async function runRsyslog(file: string, expected: number, lineBytes: number, workDir: string, cpuList?: string): Promise<RsyslogResult> {
  if (!fs.existsSync(RSYSLOGD)) throw new Error(`${RSYSLOGD} not found: apt-get install -y --no-install-recommends rsyslog`);
  const out = path.join(workDir, 'rsyslog-out.txt');
  const state = path.join(workDir, 'rsyslog-state');
  fs.mkdirSync(state, { recursive: true });
  const conf = path.join(workDir, 'rsyslog.conf');
  fs.writeFileSync(
    conf,
    `global(workDirectory="${state}" maxMessageSize="64k")
module(load="imfile" mode="inotify")
template(name="raw" type="string" string="%rawmsg%\\n")
input(type="imfile" File="${file}" Tag="bench" Facility="local0" Severity="info" freshStartTail="off" PersistStateInterval="0")
main_queue(queue.type="FixedArray" queue.size="100000" queue.dequeueBatchSize="1024")
action(type="omfile" file="${out}" template="raw" ioBufferSize="1m")
`,
  );
  const version = (await new Promise<string>((resolve) => {
    const p = spawn(RSYSLOGD, ['-v']);
    let s = '';
    p.stdout.on('data', (d: Buffer) => (s += d.toString()));
    p.on('close', () => resolve(s.split('\n')[0] ?? ''));
  })).trim();
  const pidFile = path.join(workDir, 'rsyslogd.pid');
  const args = ['-n', '-f', conf, '-i', pidFile];
  const cmd = cpuList ? 'taskset' : RSYSLOGD;
  const t0 = performance.now();
  const child = spawn(cmd, cpuList ? ['-c', cpuList, RSYSLOGD, ...args] : args, { stdio: ['ignore', 'inherit', 'inherit'] });
  const want = expected * lineBytes;
  let cpuMs = 0;
  try {
    for (;;) {
      await new Promise((r) => setTimeout(r, 10));
      if (child.exitCode !== null) throw new Error(`rsyslogd exited with ${child.exitCode}`);
      const size = fs.existsSync(out) ? fs.statSync(out).size : 0;
      if (size >= want) break;
      if (performance.now() - t0 > 600_000) throw new Error(`rsyslog did not finish in 10 min (${size}/${want} bytes)`);
    }
    cpuMs = cpuMsOf(child.pid!);
  } finally {
    child.kill('SIGTERM');
  }
  const wallMs = performance.now() - t0;
  await new Promise((r) => child.once('close', r));
  const lines = Math.floor(fs.statSync(out).size / lineBytes);
  return { lines, wallMs, cpuMs, version };
}
