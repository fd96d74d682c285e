/**
 * The fault suite's score: PagerDuty events in, a table and a list of failures out. Pure (no
 * clock, no I/O), so score.test.ts can show on synthetic event lists that each failure kind is
 * caught. Per fault: notified or not, time to notify, notifications per problem, resolve after
 * recovery. Failures:
 * - miss: no trigger tells the fault's alert at all;
 * - hidden: it is told only as an update of an open key, or only muted on another page;
 * - duplicate: more than one notification names the fault's container (its problem);
 * - false page: a trigger names a quiet container;
 * - slow: notified later than `maxNotifyMs` after the alert fired;
 * - early resolve: a resolve under the fault's key while the fault still goes on;
 * - no resolve: no resolve within `resolveWithinMs` after a recovery that needs one;
 * - payload: the page's class, component, labels, affected count or links are not its own.
 */
import { alertsTold, containersNamed, triggersOf, type PdEvent, type PdTrigger } from './pd';

export interface Fault {
  name: string;
  container: string;
  /** The rule that must notify for it. */
  rule: string;
  /** When it ended (the hog stopped); unset: it still went on when the run ended. */
  recoveredAt?: number;
  /** A resolve is due after `recoveredAt`... */
  expectResolve?: boolean;
  /** ...within this long (default: the input's). */
  resolveWithinMs?: number;
}

export interface ScoreInput {
  faults: Fault[];
  quiet: string[];
  events: PdEvent[];
  maxNotifyMs: number;
  resolveWithinMs: number;
}

export type FailureKind =
  'miss' | 'hidden' | 'duplicate' | 'false page' | 'slow' | 'early resolve' | 'no resolve' | 'payload';

export interface Failure {
  kind: FailureKind;
  subject: string;
  detail: string;
}

export interface Row {
  fault: string;
  container: string;
  rule: string;
  notified: boolean;
  /** 'own key', 'aggregate' (opened an aggregate that lists it), 'update only', 'muted only' or '-'. */
  via: string;
  notifyMs?: number;
  notifications: number;
  /** 'yes +12.3s', 'no', 'n/a', or 'EARLY'. */
  resolved: string;
}

export interface Score {
  rows: Row[];
  failures: Failure[];
  /** Triggers naming none of the run's containers (other tests' containers on a shared engine). */
  foreign: number;
  table: string;
}

const same = (a: { rule: string; container: string }, f: Fault) =>
  a.rule === f.rule && a.container === f.container;
const leadOf = (t: PdEvent) => t.component ?? t.labels?.container;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

function payloadProblems(t: PdTrigger, f: Fault, own: boolean): string[] {
  const out: string[] = [];
  if (own) {
    if (t.rule !== f.rule) out.push(`class ${t.rule} is not ${f.rule}`);
    if (t.component !== f.container) out.push(`component ${t.component} is not ${f.container}`);
    if (t.labels?.container !== f.container) out.push('custom_details.labels.container is not its own');
    if (t.firedAt === undefined) out.push('no fired_at/timestamp');
    if (t.affected === undefined || t.affected < 1) out.push(`affected ${t.affected}`);
    else if (t.members.length === 0 && t.affected !== 1) out.push(`affected ${t.affected} on a single alert`);
    const href = (text: string) => t.links.find((l) => l.text === text)?.href ?? '';
    for (const text of ['Dashboard', 'Logs'])
      if (!href(text).includes(f.container)) out.push(`${text} link is not for ${f.container}`);
    if (!t.links.some((l) => l.text === 'Why this page')) out.push('no "Why this page" link');
  } else {
    const m = t.members.find((x) => x.rule === f.rule && x.container === f.container)!;
    for (const k of ['dashboard', 'logs'])
      if (!(m.links[k] ?? '').includes(f.container)) out.push(`member ${k} link is not for ${f.container}`);
    if ((t.affected ?? 0) < 1) out.push(`affected ${t.affected}`);
  }
  return out;
}

function scoreFault(f: Fault, triggers: PdTrigger[], events: PdEvent[], input: ScoreInput) {
  const failures: Failure[] = [];
  const fail = (kind: FailureKind, detail: string) => failures.push({ kind, subject: f.name, detail });
  const told = triggers.filter((t) => alertsTold(t).some((a) => same(a, f)));
  const muted = triggers.filter((t) =>
    t.related.some((r) => r.rule === f.rule && r.container === f.container),
  );
  const isLead = (t: PdTrigger) => t.rule === f.rule && leadOf(t) === f.container;
  const own = told.filter((t) => t.notified && isLead(t));
  const agg = told.filter((t) => t.notified && !isLead(t));
  const via = own.length
    ? 'own key'
    : agg.length
      ? 'aggregate'
      : told.length
        ? 'update only'
        : muted.length
          ? 'muted only'
          : '-';
  if (told.length === 0 && muted.length === 0) fail('miss', `no trigger tells ${f.rule} for ${f.container}`);
  else if (own.length + agg.length === 0)
    fail(
      'hidden',
      `${f.rule} for ${f.container} was told only as ${via === 'update only' ? 'an update of an open key' : 'a muted alert on another page'}`,
    );

  const first = own[0];
  const notifyMs = first?.firedAt !== undefined ? first.at - first.firedAt : undefined;
  if (notifyMs !== undefined && notifyMs > input.maxNotifyMs)
    fail('slow', `notified ${secs(notifyMs)} after it fired (limit ${secs(input.maxNotifyMs)})`);
  for (const t of own) for (const p of payloadProblems(t, f, true)) fail('payload', p);
  for (const t of agg) for (const p of payloadProblems(t, f, false)) fail('payload', p);

  const forProblem = triggers.filter(
    (t) => t.notified && (leadOf(t) === f.container || t.members.some((m) => m.container === f.container)),
  );
  if (forProblem.length > 1)
    fail(
      'duplicate',
      `${forProblem.length} notifications for ${f.container}: ${forProblem.map((t) => `${t.rule} (${t.key.slice(0, 8)})`).join(', ')}`,
    );

  const keys = new Set([...own, ...agg].map((t) => t.key));
  const resolves = events.filter((e) => e.action === 'resolve' && keys.has(e.key));
  let resolved = f.recoveredAt === undefined ? 'n/a' : 'no';
  const early = resolves.filter((r) => f.recoveredAt === undefined || r.at < f.recoveredAt);
  if (early.length) {
    resolved = 'EARLY';
    fail('early resolve', `resolve under ${early[0]!.key.slice(0, 8)} while ${f.container} still ${f.rule}`);
  } else if (f.recoveredAt !== undefined) {
    const after = resolves.find((r) => r.at >= f.recoveredAt!);
    const within = f.resolveWithinMs ?? input.resolveWithinMs;
    if (after) resolved = `yes +${secs(after.at - f.recoveredAt)}`;
    if (f.expectResolve && keys.size > 0 && (!after || after.at - f.recoveredAt > within))
      fail(
        'no resolve',
        after
          ? `resolved ${resolved} after recovery, later than ${secs(within)}`
          : 'no resolve after recovery',
      );
  }
  const row: Row = {
    fault: f.name,
    container: f.container,
    rule: f.rule,
    notified: own.length + agg.length > 0,
    via,
    notifyMs,
    notifications: forProblem.length,
    resolved,
  };
  return { row, failures };
}

export function score(input: ScoreInput): Score {
  const triggers = triggersOf(input.events);
  const rows: Row[] = [];
  const failures: Failure[] = [];
  for (const f of input.faults) {
    const r = scoreFault(f, triggers, input.events, input);
    rows.push(r.row);
    failures.push(...r.failures);
  }
  const quiet = new Set(input.quiet);
  const ours = new Set([...input.quiet, ...input.faults.map((f) => f.container)]);
  let foreign = 0;
  for (const t of triggers) {
    const named = [...containersNamed(t)];
    for (const c of named.filter((n) => quiet.has(n)))
      failures.push({
        kind: 'false page',
        subject: c,
        detail: `${t.notified ? 'notification' : 'update'} ${t.rule} (${t.key.slice(0, 8)}) names quiet ${c}`,
      });
    if (!named.some((n) => ours.has(n))) foreign++;
  }
  return { rows, failures, foreign, table: formatTable(rows, failures, foreign) };
}

export function formatTable(rows: Row[], failures: Failure[], foreign = 0): string {
  const head = [
    'fault',
    'rule',
    'notified',
    'via',
    'time to notify',
    'notifs/problem',
    'resolved after recovery',
  ];
  const body = rows.map((r) => [
    r.fault,
    r.rule,
    r.notified ? 'yes' : 'NO',
    r.via,
    r.notifyMs === undefined ? '-' : secs(r.notifyMs),
    String(r.notifications),
    r.resolved,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const out = [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)];
  out.push(failures.length ? `failures (${failures.length}):` : 'failures: none');
  for (const f of failures) out.push(`  ${f.kind}: ${f.subject}: ${f.detail}`);
  if (foreign) out.push(`(${foreign} trigger(s) named only containers of other runs on this engine)`);
  return out.join('\n');
}
