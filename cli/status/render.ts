import { formatDuration } from '../../core/duration';
import type { ApiFacts } from './api-facts';
import type { Snapshot } from './snapshot';

const ago = (ms: number | undefined, now: number) =>
  ms === undefined ? 'never' : `${formatDuration(Math.max(0, Math.round((now - ms) / 1000)) * 1000)} ago`;

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024;
  let i = 0;
  for (; v >= 1024 && i < units.length - 1; i++) v /= 1024;
  return `${v.toFixed(1)} ${units[i]}`;
}

const row = (label: string, text: string) => `  ${label.padEnd(18)} ${text}`;

function collectorLines(s: Snapshot, now: number): string[] {
  const out: string[] = [];
  const docker =
    s.dockerConnected === undefined
      ? 'not watched (no collector here)'
      : s.dockerConnected
        ? 'connected'
        : 'NOT REACHABLE';
  const watched = s.containers === undefined ? '' : `, ${s.containers} containers watched`;
  out.push(row('docker engine', `${docker}${watched}`));
  const lag = s.lag.slice(0, 5).map((l) => `${l.container} ${bytes(l.bytes)}`);
  out.push(
    row('logs not shipped', lag.length > 0 ? lag.join(', ') + (s.lag.length > 5 ? ', ...' : '') : 'none'),
  );
  out.push('  sinks');
  for (const k of s.sinks) {
    const state = k.up ? 'delivering' : 'RETRYING';
    const age =
      k.spoolAgeSeconds === undefined
        ? ''
        : `, oldest ${formatDuration(Math.round(k.spoolAgeSeconds) * 1000)}`;
    const spool =
      k.spoolEvents > 0 ? `spool ${k.spoolEvents} events (${bytes(k.spoolBytes)}${age})` : 'spool empty';
    out.push(row(`  ${k.sink}`, `${state}, last write ${ago(k.lastSuccess, now)}, ${spool}`));
  }
  if (s.sinks.length === 0) out.push(row('  (none)', ''));
  return out;
}

function lastReload(s: Snapshot, now: number): string {
  if (!s.lastReload) return '';
  return `last reload ${s.lastReload.ok ? 'accepted' : 'REJECTED'} ${ago(s.lastReload.at, now)}; `;
}

/** Counters from /metrics; last delivery and last error (with its message) from the API. */
function receiverLines(s: Snapshot, api: ApiFacts, now: number): string[] {
  const names = [...new Set([...s.receivers.map((r) => r.receiver), ...api.receivers.keys()])].sort();
  if (names.length === 0) return [row('  (none yet)', '')];
  return names.map((name) => {
    const c = s.receivers.find((r) => r.receiver === name) ?? { ok: 0, retry: 0, rejected: 0 };
    const o = api.receivers.get(name);
    let text = `${c.ok} delivered, ${c.retry} retried, ${c.rejected} rejected`;
    if (o) text += `; last ok ${ago(o.lastSuccess ?? undefined, now)}`;
    if (o?.lastError) text += `; last error ${ago(o.lastError.at, now)}: ${o.lastError.error}`;
    return row(`  ${name}`, text);
  });
}

/** Lag behind event time first (what on-call cares about), then the cost of a pass. */
function evaluation(s: Snapshot, now: number): string {
  const pass =
    s.evalSeconds === undefined ? 'no pass yet' : `${(s.evalSeconds * 1000).toFixed(1)} ms per pass`;
  if (s.lastEventAt === undefined) return `no event evaluated yet; ${pass}`;
  const lag = formatDuration(Math.round(s.eventLagSeconds ?? 0) * 1000);
  return `${lag} behind event time (newest event ${ago(s.lastEventAt, now)}); ${pass}`;
}

function alerterLines(s: Snapshot, api: ApiFacts, now: number): string[] {
  if (s.rules === undefined) return [row('alerter', 'not running here')];
  const out = [
    row(
      'rules',
      `${s.rules} loaded; ${lastReload(s, now)}reloads: ${s.reloads.ok} ok, ${s.reloads.rejected} rejected`,
    ),
    row('evaluation', evaluation(s, now)),
    row(
      'outbox',
      `${s.outbox.depth ?? 0} waiting, oldest ${formatDuration(Math.round(s.outbox.oldestSeconds ?? 0) * 1000)}`,
    ),
    '  receivers',
  ];
  out.push(...receiverLines(s, api, now));
  out.push(row('alerts firing', api.firing));
  return out;
}

/** /healthz's verdict, each failing check with its reason, and a Kafka replica's partitions. */
function healthLines(s: Snapshot): string[] {
  const out: string[] = [];
  if (s.busGroups.length > 0)
    out.push(
      row(
        'bus (kafka)',
        s.busGroups.map((g) => `${g.group}: ${g.partitions} topic-partitions assigned`).join(', '),
      ),
    );
  if (!s.health) return out;
  const failing = Object.entries(s.health).filter(([, r]) => !r.ok);
  const notes = Object.entries(s.health).filter(([, r]) => r.ok && r.detail);
  const text =
    failing.length > 0
      ? `UNHEALTHY (503): ${failing.map(([n, r]) => `${n}: ${r.detail ?? 'no reason given'}`).join('; ')}`
      : `ok${notes.length > 0 ? ` (${notes.map(([n, r]) => `${n}: ${r.detail}`).join('; ')})` : ''}`;
  out.push(row('/healthz', text));
  return out;
}

/** The one screen `lookout status` prints. */
export function renderStatus(
  s: Snapshot,
  opts: { metricsUrl: string; api: ApiFacts; now: number; verdict: string },
): string {
  return [
    `lookout at ${opts.metricsUrl}`,
    ...collectorLines(s, opts.now),
    ...alerterLines(s, opts.api, opts.now),
    ...healthLines(s),
    '',
    opts.verdict,
  ].join('\n');
}
