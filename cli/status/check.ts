import { formatDuration } from '../../core/duration';
import type { Snapshot } from './snapshot';

/** Nagios plugin states, which are also `lookout status --check`'s exit codes. */
export const NAGIOS = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 } as const;
export type Level = keyof typeof NAGIOS;

export interface Thresholds {
  sinkDownWarnMs: number;
  sinkDownCritMs: number;
  spoolWarn: number;
  spoolCrit: number;
  lagWarnBytes: number;
  lagCritBytes: number;
  outboxAgeWarnMs: number;
  outboxAgeCritMs: number;
  spoolAgeWarnMs: number;
  spoolAgeCritMs: number;
  evalLagWarnMs: number;
  evalLagCritMs: number;
}

export interface Verdict {
  level: Level;
  /** Each finding, worst first. */
  findings: Array<{ level: Level; text: string }>;
}

const RANK: Record<Level, number> = { OK: 0, WARNING: 1, UNKNOWN: 2, CRITICAL: 3 };

const secondsText = (ms: number) => formatDuration(Math.round(ms / 1000) * 1000);

/** WARNING or CRITICAL when `value` reaches the threshold. */
function grade(value: number, warn: number, crit: number): Level {
  return value >= crit ? 'CRITICAL' : value >= warn ? 'WARNING' : 'OK';
}

function sinkFindings(s: Snapshot, t: Thresholds, now: number): Verdict['findings'] {
  const out: Verdict['findings'] = [];
  for (const sink of s.sinks) {
    if (!sink.up) {
      // A sink that never delivered has no last success: count it down from the first scrape it
      // failed in, i.e. as down "now" (WARNING at most until it has a history to judge).
      const downMs = sink.lastSuccess === undefined ? 0 : now - sink.lastSuccess;
      const level =
        sink.lastSuccess === undefined ? 'WARNING' : grade(downMs, t.sinkDownWarnMs, t.sinkDownCritMs);
      const since =
        sink.lastSuccess === undefined
          ? 'never delivered'
          : `last delivered ${formatDuration(Math.round(downMs / 1000) * 1000)} ago`;
      out.push({ level: level === 'OK' ? 'WARNING' : level, text: `sink ${sink.sink} retrying, ${since}` });
    }
    const spool = grade(sink.spoolEvents, t.spoolWarn, t.spoolCrit);
    if (spool !== 'OK')
      out.push({ level: spool, text: `sink ${sink.sink} spool holds ${sink.spoolEvents} events` });
    const ageMs = (sink.spoolAgeSeconds ?? 0) * 1000;
    const age = grade(ageMs, t.spoolAgeWarnMs, t.spoolAgeCritMs);
    if (age !== 'OK')
      out.push({ level: age, text: `sink ${sink.sink} spool's oldest event is ${secondsText(ageMs)} old` });
  }
  return out;
}

/** Judges one snapshot against the thresholds: the worst finding is the verdict. */
export function judge(s: Snapshot, t: Thresholds, now: number): Verdict {
  const findings: Verdict['findings'] = [];
  if (s.dockerConnected === false) findings.push({ level: 'CRITICAL', text: 'Docker engine not reachable' });
  findings.push(...sinkFindings(s, t, now));
  // What the process judges itself (a consumer out of its group, a stalled loop...): the
  // HEALTHCHECK's answer, so CRITICAL here too.
  for (const [name, r] of Object.entries(s.health ?? {}))
    if (!r.ok)
      findings.push({ level: 'CRITICAL', text: `${name} unhealthy: ${r.detail ?? 'no reason given'}` });
  if (s.lastReload && !s.lastReload.ok)
    findings.push({
      level: 'WARNING',
      text: 'last rule reload rejected (the last good rules run; lookout check says why)',
    });
  const worstLag = s.lag[0];
  if (worstLag) {
    const level = grade(worstLag.bytes, t.lagWarnBytes, t.lagCritBytes);
    if (level !== 'OK')
      findings.push({ level, text: `${worstLag.bytes} log bytes of ${worstLag.container} not shipped` });
  }
  const lagMs = (s.eventLagSeconds ?? 0) * 1000;
  const lag = grade(lagMs, t.evalLagWarnMs, t.evalLagCritMs);
  if (lag !== 'OK') findings.push({ level: lag, text: `evaluation ${secondsText(lagMs)} behind event time` });
  const oldestMs = (s.outbox.oldestSeconds ?? 0) * 1000;
  const outbox = grade(oldestMs, t.outboxAgeWarnMs, t.outboxAgeCritMs);
  if (outbox !== 'OK')
    findings.push({
      level: outbox,
      text: `oldest notification waiting ${formatDuration(Math.round(oldestMs / 1000) * 1000)}`,
    });
  findings.sort((a, b) => RANK[b.level] - RANK[a.level]);
  return { level: findings[0]?.level ?? 'OK', findings };
}

/** One line in the plugin format: `LOOKOUT STATE - what | perfdata`. */
export function checkLine(s: Snapshot, v: Verdict): string {
  const summary =
    v.findings.length > 0
      ? v.findings.map((f) => f.text).join('; ')
      : `${s.containers ?? 0} containers watched, ${s.sinks.length} sink(s) delivering, ${s.rules ?? 0} rules`;
  const spool = s.sinks.reduce((a, x) => a + x.spoolEvents, 0);
  const perf = [
    `containers=${s.containers ?? 0}`,
    `lag_bytes=${s.lag[0]?.bytes ?? 0}`,
    `spool_events=${spool}`,
    `outbox=${s.outbox.depth ?? 0}`,
  ].join(' ');
  return `LOOKOUT ${v.level} - ${summary} | ${perf}`;
}
