import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export type RsyslogMode = 'raw' | 'bulk';

export interface RsyslogResult {
  mode: RsyslogMode;
  wallMs: number;
  cpuMs: number;
}

const RSYSLOGD = '/usr/sbin/rsyslogd';

export function rsyslogVersion(): string {
  const r = spawnSync(RSYSLOGD, ['-v'], { encoding: 'utf8' });
  return (
    (r.stdout ?? '')
      .split('\n')[0]
      ?.replace(/\s+compiled with:.*/, '')
      .trim() ?? '?'
  );
}

function cpuMsOf(pid: number): number {
  // utime + stime of the whole process (all threads), in clock ticks (100/s on Linux).
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

/**
 * The same file through rsyslog (imfile, read from the start). Two ways:
 * - `raw`: each line as is to omfile: the least rsyslog can do with it;
 * - `bulk`: the equivalent of lookout's work: mmjsonparse the Docker JSON, and a template that
 *   writes the same Elasticsearch _bulk action + ECS document.
 * Output goes to /dev/null; a second action on the known last line marks the end.
 */
export async function runRsyslog(
  mode: RsyslogMode,
  file: string,
  lastMarker: string,
  workDir: string,
  cpuList?: string,
): Promise<RsyslogResult> {
  if (!fs.existsSync(RSYSLOGD))
    throw new Error(`${RSYSLOGD} not found: apt-get install -y --no-install-recommends rsyslog`);
  const run = fs.mkdtempSync(path.join(workDir, `rsyslog-${mode}-`));
  const done = path.join(run, 'done');
  const conf = path.join(run, 'rsyslog.conf');
  const q = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  const bulk = `
module(load="mmjsonparse")
template(name="bulk" type="list") {
  constant(value="{\\"create\\":{\\"_id\\":\\"") property(name="$!time") constant(value="\\"}}\\n")
  constant(value="{\\"@timestamp\\":\\"") property(name="$!time")
  constant(value="\\",\\"message\\":\\"") property(name="$!log" format="json")
  constant(value="\\",\\"log\\":{\\"iostream\\":\\"") property(name="$!stream")
  constant(value="\\"},\\"host\\":{\\"name\\":\\"bench-host\\"},\\"container\\":{\\"id\\":\\"${'b'.repeat(64)}\\",\\"name\\":\\"bench-app\\",\\"image\\":{\\"name\\":\\"registry.example/bench/app:1.4.2\\"}}}\\n")
}
action(type="mmjsonparse" cookie="")
action(type="omfile" file="/dev/null" template="bulk")`;
  const raw = `
template(name="raw" type="string" string="%rawmsg%\\n")
action(type="omfile" file="/dev/null" template="raw")`;
  fs.writeFileSync(
    conf,
    `global(workDirectory="${run}" maxMessageSize="64k")
module(load="imfile" mode="inotify")
# A queue big enough that imfile is never throttled ("light delay"): rsyslog at full speed.
main_queue(queue.type="FixedArray" queue.size="200000" queue.lightDelayMark="200000" queue.highWatermark="190000" queue.dequeueBatchSize="1024")
input(type="imfile" File="${file}" Tag="bench" Facility="local0" Severity="info" freshStartTail="off" PersistStateInterval="0")
${mode === 'bulk' ? bulk : raw}
if $msg contains "${q(lastMarker)}" then action(type="omfile" file="${done}")
`,
  );
  const pidFile = path.join(run, 'rsyslogd.pid');
  const args = ['-n', '-f', conf, '-i', pidFile];
  const t0 = performance.now();
  const child = spawn(cpuList ? 'taskset' : RSYSLOGD, cpuList ? ['-c', cpuList, RSYSLOGD, ...args] : args, {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let cpuMs = 0;
  let wallMs = 0;
  try {
    for (;;) {
      await new Promise((r) => setTimeout(r, 5));
      if (child.exitCode !== null) throw new Error(`rsyslogd exited with ${child.exitCode}`);
      if (fs.existsSync(done)) break;
      if (performance.now() - t0 > 600_000) throw new Error('rsyslog did not finish in 10 min');
    }
    wallMs = performance.now() - t0;
    cpuMs = cpuMsOf(child.pid!);
  } finally {
    child.kill('SIGTERM');
  }
  await new Promise((r) => child.once('close', r));
  fs.rmSync(run, { recursive: true, force: true });
  return { mode, wallMs, cpuMs };
}
