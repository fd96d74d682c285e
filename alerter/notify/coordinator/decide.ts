/**
 * The coordinator's judgement, pure: given what it last did for a service and the bounds, does a
 * request go out, and with which sizes? Cooldown: no second "out" while the first is settling.
 * Hysteresis: an "in" waits a longer quiet period after the last "out", so a pool that just grew
 * is not shrunk by the first calm minutes it buys.
 */
export type Direction = 'out' | 'in';

export interface Bounds {
  min: number;
  max: number;
}

export interface Policy {
  cooldownMs: number;
  /** How long after the last "out" an "in" may be asked for. */
  scaleInQuietMs: number;
  step: number;
}

/** What the coordinator last did for one service (clock times, ms), and the size it reported. */
export interface ServiceMemory {
  size: number;
  lastOutAt?: number;
  lastInAt?: number;
}

export type Verdict =
  | { kind: 'send'; current: number; suggested: number }
  | { kind: 'cooldown'; current: number; until: number }
  | { kind: 'quiet'; current: number; until: number }
  | { kind: 'bound'; current: number; bound: number };

export function decide(
  direction: Direction,
  mem: ServiceMemory,
  bounds: Bounds,
  policy: Policy,
  now: number,
): Verdict {
  const current = mem.size;
  const last = direction === 'out' ? mem.lastOutAt : mem.lastInAt;
  if (last !== undefined && now < last + policy.cooldownMs)
    return { kind: 'cooldown', current, until: last + policy.cooldownMs };
  if (direction === 'in' && mem.lastOutAt !== undefined && now < mem.lastOutAt + policy.scaleInQuietMs)
    return { kind: 'quiet', current, until: mem.lastOutAt + policy.scaleInQuietMs };
  const wanted = direction === 'out' ? current + policy.step : current - policy.step;
  const suggested = Math.min(bounds.max, Math.max(bounds.min, wanted));
  if (suggested === current)
    return { kind: 'bound', current, bound: direction === 'out' ? bounds.max : bounds.min };
  return { kind: 'send', current, suggested };
}

/** One line for the decision log and the log: why it scaled, or why it did not. */
export function describe(service: string, direction: Direction, v: Verdict): string {
  const iso = (ms: number) => new Date(ms).toISOString();
  switch (v.kind) {
    case 'send':
      return `${service}: ${direction} ${v.current}→${v.suggested} sent`;
    case 'cooldown':
      return `${service}: ${direction} held by cooldown until ${iso(v.until)} (size ${v.current})`;
    case 'quiet':
      return `${service}: in held until ${iso(v.until)}, quiet period after the last out (size ${v.current})`;
    case 'bound':
      return `${service}: ${direction} held at bound ${v.bound} (size ${v.current})`;
  }
}
