import { formatDuration } from '../../../core/duration';
import type { Heartbeat, LifecycleEvent } from '../../../core/events';
import { z } from 'zod';
import { duration } from '../../../core/config/types';
import { common, metricName } from '../../rules/schema-parts';
import type { EvalDeps, Evaluator, GroupRef, Observation } from '../evaluator';
import { compileWhere, containerLabel, groupLabels } from '../labels';
import { combineWants, expectedSize, readWant, type HostWant, type LabelledSize } from './expected-size';

export const absenceRule = z
  .object({
    kind: z.literal('absence'),
    ...common,
    /** heartbeat: a host's collector; metric/log: a series seen before; service: fewer than min_running containers. */
    of: z.enum(['heartbeat', 'metric', 'log', 'service']),
    metric: metricName.optional(),
    after: duration(),
    min_running: z.number().int().positive().optional(),
    /** of: service: `label` reads the expected size from the containers' `lookout.replicas`. */
    expected_from: z.enum(['rule', 'label']).optional(),
    /** Forget a series (host, container) silent this long: it was removed, not broken. */
    forget_after: duration().optional(),
  })
  .strict();
type Spec = z.output<typeof absenceRule>;

interface State {
  /** Event time of the last sign of life (absence of heartbeat/metric/log). */
  lastSeen: number;
  /** of: service: running containers in the last inventory, and whether a user took them down. */
  running: number;
  userStopped: boolean;
  /**
   * of: service: each host's count and when its heartbeat said so. A group without `host` in
   * its group_by spans hosts: its `running` is the sum over hosts heard from recently.
   */
  byHost?: Record<string, { n: number; at: number } & HostWant>;
  /** of: service with expected_from: label: the size the containers' labels ask for. */
  labelled?: LabelledSize;
}

const DEFAULT_FORGET: Record<string, number> = {
  heartbeat: 24 * 3_600_000,
  metric: 3_600_000,
  log: 3_600_000,
  service: 3_600_000,
};

/**
 * Something that should exist went quiet. The inventory is what was seen: hosts that sent
 * heartbeats, series that arrived, services in the heartbeats' container lists; so each alert
 * keeps its host/container labels. A container removed on purpose leaves the inventory.
 */
export function absence(spec: Spec, deps: EvalDeps): Evaluator<State> {
  const forget = spec.forget_after ?? DEFAULT_FORGET[spec.of]!;
  const grace = spec.after + deps.latenessMs;
  const minRunning = spec.min_running ?? 1;
  const groupBy = spec.group_by ?? ['host', 'service'];
  const where = compileWhere(spec.where);
  const inventory = { groupBy, where, staleMs: grace, fromLabel: spec.expected_from === 'label' };
  const topics =
    spec.of === 'heartbeat'
      ? (['heartbeat'] as const)
      : spec.of === 'service'
        ? (['heartbeat', 'lifecycle'] as const)
        : ([spec.of, 'lifecycle'] as const);
  const fresh = (): State => ({ lastSeen: -Infinity, running: 0, userStopped: false });

  return {
    topics,
    metric: spec.of === 'metric' ? spec.metric : undefined,
    ownWhere: spec.of === 'service',
    newState: fresh,
    ingest(ev, get, groups, now) {
      if (spec.of === 'service') {
        if (ev.kind === 'heartbeat') return serviceInventory(ev, groups, now, inventory);
        return userStopped(ev as LifecycleEvent, groups, groupBy, where);
      }
      if (ev.kind === 'lifecycle' && spec.of !== 'heartbeat') {
        // A container stopped or removed on purpose is not "silent": forget it.
        if (ev.intent === 'user' || ev.action === 'destroy' || ev.action === 'stop') {
          const g = groups.byEvent(get);
          groups.drop(g.key);
        }
        return undefined;
      }
      const g = groups.byEvent(get);
      g.s.lastSeen = Math.max(g.s.lastSeen, Math.min(ev.ts, now));
      return g;
    },
    evaluate(s, now, _firing, d = false): Observation {
      if (spec.of === 'service') return serviceObservation(s, minRunning, inventory.fromLabel, d);
      const silent = now - s.lastSeen;
      return {
        value: Math.round(silent / 1000),
        active: silent > grace,
        threshold: spec.after / 1000,
        detail:
          d &&
          `last seen ${formatDuration(Math.max(0, silent))} ago; fires after ${formatDuration(spec.after)} (+${formatDuration(deps.latenessMs)} lateness)`,
      };
    },
    idle: (s, now) => now - s.lastSeen > forget,
    seed(s, now) {
      s.lastSeen = now;
      s.running = Math.max(s.running, minRunning);
    },
    describe: () =>
      spec.of === 'service'
        ? `fewer than ${inventory.fromLabel ? `the containers' label lookout.replicas (else ${minRunning})` : minRunning} running containers per ${groupBy.join(', ')}`
        : `no ${spec.of === 'metric' ? spec.metric : spec.of} for ${formatDuration(spec.after)}`,
  };
}

type Groups = Parameters<Evaluator<State>['ingest']>[2];
type Where = ReturnType<typeof compileWhere>;

interface InventoryOptions {
  groupBy: readonly string[];
  where: Where;
  staleMs: number;
  fromLabel: boolean;
}

/** A heartbeat's container list, counted per group: how many of each service run on that host. */
function serviceInventory(
  hb: Heartbeat,
  groups: Groups,
  now: number,
  { groupBy, where, staleMs, fromLabel }: InventoryOptions,
): GroupRef<State>[] {
  const counts = new Map<string, { labels: Record<string, string>; n: number; want: HostWant }>();
  for (const c of hb.containers) {
    const get = (n: string): string => (n === 'host' ? hb.host : (containerLabel(c, n) ?? ''));
    if (where && !where(get)) continue;
    const { key, labels } = groupLabels(groupBy, get);
    const e = counts.get(key) ?? { labels, n: 0, want: {} };
    e.n++;
    if (fromLabel) readWant(e.want, c);
    counts.set(key, e);
  }
  const touched = new Set<GroupRef<State>>();
  for (const { labels, n, want } of counts.values()) {
    const g = groups.byLabels(labels);
    countOnHost(g.s, hb.host, n, now, staleMs, want);
    g.s.lastSeen = now;
    if (n > 0) g.s.userStopped = false;
    touched.add(g);
  }
  // Groups this host counted before but missing from its inventory have none running there now.
  for (const g of groups.all()) {
    if (!touched.has(g) && (g.labels.host === hb.host || g.s.byHost?.[hb.host] !== undefined)) {
      countOnHost(g.s, hb.host, 0, now, staleMs);
      touched.add(g);
    }
  }
  return [...touched];
}

/**
 * Records one host's count and sums the group over hosts whose word is fresh: a host that went
 * silent stops counting (its own heartbeat alert says why), rather than holding a pool up forever.
 */
function countOnHost(
  s: State,
  host: string,
  n: number,
  now: number,
  staleMs: number,
  want: HostWant = {},
): void {
  const byHost = (s.byHost ??= {});
  byHost[host] = { n, at: now, ...want };
  let running = 0;
  for (const [h, c] of Object.entries(byHost)) {
    if (now - c.at > staleMs) delete byHost[h];
    else running += c.n;
  }
  s.running = running;
  s.labelled = combineWants(Object.values(byHost), running, s.labelled ?? {});
}

/** A container stopped or removed on purpose: its service may run none, and that is not a page. */
function userStopped(
  lc: LifecycleEvent,
  groups: Groups,
  groupBy: readonly string[],
  where: Where,
): GroupRef<State> | undefined {
  const gone = lc.intent === 'user' || lc.action === 'stop' || lc.action === 'destroy';
  if (!gone) return undefined;
  const lget = (n: string): string => (n === 'host' ? lc.host : (containerLabel(lc.container, n) ?? ''));
  if (where && !where(lget)) return undefined;
  const g = groups.byLabels(groupLabels(groupBy, lget).labels);
  g.s.userStopped = true;
  return g;
}

function serviceObservation(s: State, minRunning: number, fromLabel: boolean, d: boolean): Observation {
  const want = fromLabel ? expectedSize(s.labelled ?? {}, minRunning) : undefined;
  const size = want?.size ?? minRunning;
  const active = s.running < size && !(s.running === 0 && s.userStopped);
  return {
    value: s.running,
    active,
    threshold: size,
    detail:
      d &&
      `${s.running} running, at least ${size} wanted${want ? ` (${want.why})` : ''}${s.userStopped && s.running === 0 ? ' (stopped by a user)' : ''}`,
  };
}
