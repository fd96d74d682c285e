/** Events, a fixed start time and an engine on a manual clock, shared by the alerter's unit tests. */
import type { ContainerMeta, LookoutEvent } from '../../core/events';
import { ManualClock } from '../../core/clock';
import { Engine } from '../engine/engine';
import { compileRules } from '../rules/compile';
import { loadRuleText } from '../rules/load';
import type { AlertTransition } from '../types';

export const T0 = 1_700_000_000_000;

export function meta(name: string, extra: Partial<ContainerMeta> = {}): ContainerMeta {
  return { id: `${name}-id`, name, image: 'img', labels: {}, service: name, ...extra };
}

export const metric = (
  at: number,
  name: string,
  value: number,
  container = 'web',
  labels?: Record<string, string>,
): LookoutEvent => ({
  kind: 'metric',
  host: 'h1',
  ts: T0 + at,
  name,
  value,
  type: 'gauge',
  container: meta(container),
  labels,
});

export const log = (
  at: number,
  message: string,
  container = 'web',
  extra: Partial<Extract<LookoutEvent, { kind: 'log' }>> = {},
): LookoutEvent => ({
  kind: 'log',
  host: 'h1',
  ts: T0 + at,
  container: meta(container),
  stream: 'stdout',
  message,
  time: '',
  id: `${at}`,
  ...extra,
});

export const life = (
  at: number,
  action: Extract<LookoutEvent, { kind: 'lifecycle' }>['action'],
  container = 'web',
  extra: Partial<Extract<LookoutEvent, { kind: 'lifecycle' }>> = {},
): LookoutEvent => ({
  kind: 'lifecycle',
  host: 'h1',
  ts: T0 + at,
  action,
  container: meta(container),
  ...extra,
});

export const heartbeat = (at: number, host = 'h1', containers: ContainerMeta[] = []): LookoutEvent => ({
  kind: 'heartbeat',
  host,
  ts: T0 + at,
  source: 'collector',
  containers,
  version: 't',
});

/** An engine on a ManualClock over rules given as YAML text. */
export function engineFor(yaml: string, latenessMs = 0): { engine: Engine; clock: ManualClock } {
  const r = loadRuleText('test.yaml', yaml);
  if (r.problems.length > 0) throw new Error(r.problems.map((p) => p.message).join('\n'));
  const clock = new ManualClock(T0);
  const engine = new Engine({ clock, latenessMs });
  engine.setRules(compileRules(r.rules, { latenessMs }));
  return { engine, clock };
}

/**
 * Feeds events in time order, ticking every second up to `until` ms; returns every transition
 * as `t=<s> <rule> <from>-><to> <value>` lines for compact table assertions.
 */
export function run(engine: Engine, clock: ManualClock, events: LookoutEvent[], untilMs: number): string[] {
  const out: AlertTransition[] = [];
  const sorted = [...events].sort((a, b) => a.ts - b.ts);
  let i = 0;
  for (let t = 0; t <= untilMs; t += 1000) {
    for (; i < sorted.length && sorted[i]!.ts <= T0 + t; i++) {
      clock.set(sorted[i]!.ts);
      out.push(...engine.ingest([sorted[i]!]));
    }
    clock.set(T0 + t);
    out.push(...engine.tick());
  }
  return out.map(
    (x) =>
      `t=${(x.at - T0) / 1000} ${x.from}->${x.to}${x.alert.value !== undefined ? ` ${Math.round(x.alert.value * 100) / 100}` : ''}`,
  );
}

/** Polls `cond` until it holds: for what the alerter does on its own (a folder watch, a signal). */
export async function eventually(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
