/**
 * Silences: matchers and a time span. A silenced alert is still recorded (decision log) but
 * not sent. These functions work on the state store directly, so `lookout silence` can act
 * on the alerter's store file (WAL lets it share the file with a running alerter) or go
 * through the HTTP API, which calls the same functions.
 */
import crypto from 'node:crypto';
import type { Clock } from '../../core/clock';
import { LookoutError } from '../../core/errors';
import type { StateStore } from '../../core/store/store';
import { parseDuration } from '../../core/duration';
import { allHold, formatMatcher, parseMatcher, type Matcher } from './matchers';
import {
  deleteSilencesEndedBefore,
  endSilence,
  insertSilence,
  loadSilences,
  silencesByIdPrefix,
  silencesInForce,
  type Silence,
} from './store/silences';
import { migrateNotify } from './store/tables';

export type { Silence } from './store/silences';

export interface AddSilenceInput {
  /** `service=web`, `host=~db.*`... (strings are parsed) */
  matchers: Array<string | Matcher>;
  /** How long from now (`30m`) or ms; or give `endsAt`. */
  for?: string | number;
  endsAt?: number;
  startsAt?: number;
  comment: string;
  createdBy?: string;
}

export function addSilence(store: StateStore, input: AddSilenceInput, clock: Clock): Silence {
  migrateNotify(store);
  const now = clock.now();
  const matchers = input.matchers.map((m) =>
    typeof m === 'string' ? parseMatcher(m) : parseMatcher(formatMatcher(m)),
  );
  if (matchers.length === 0)
    throw new LookoutError('a silence needs at least one matcher, e.g. --match service=web');
  if (matchers.every((m) => (m.op === '=~' && /^\.\*$/.test(m.value)) || (m.op === '!=' && m.value === '')))
    throw new LookoutError('a silence must not match every alert');
  const startsAt = input.startsAt ?? now;
  let endsAt = input.endsAt;
  if (endsAt === undefined && input.for !== undefined) {
    const ms = typeof input.for === 'number' ? input.for : parseDuration(input.for);
    if (ms === undefined || ms <= 0)
      throw new LookoutError(`"${String(input.for)}" is not a duration (use e.g. 30m, 2h)`);
    endsAt = startsAt + ms;
  }
  if (endsAt === undefined) throw new LookoutError('a silence needs an end: give --for 30m');
  if (endsAt <= startsAt) throw new LookoutError('a silence must end after it starts');
  if (!input.comment.trim()) throw new LookoutError('a silence needs a comment saying why');
  const s: Silence = {
    id: crypto.randomUUID(),
    matchers,
    startsAt,
    endsAt,
    comment: input.comment,
    createdBy: input.createdBy ?? 'unknown',
    createdAt: now,
  };
  insertSilence(store, s);
  return s;
}

/** Active and pending silences (and with `all`, expired ones too), newest first. */
export function listSilences(store: StateStore, clock: Clock, opts: { all?: boolean } = {}): Silence[] {
  migrateNotify(store);
  return loadSilences(store, opts.all ? undefined : clock.now());
}

/** Ends a silence now. Accepts a unique id prefix, as people copy the first few characters. */
export function expireSilence(store: StateStore, idOrPrefix: string, clock: Clock): Silence {
  migrateNotify(store);
  const found = silencesByIdPrefix(store, idOrPrefix);
  if (found.length === 0) throw new LookoutError(`no silence with id ${idOrPrefix}`);
  if (found.length > 1)
    throw new LookoutError(`${found.length} silences start with ${idOrPrefix}: give more of the id`);
  const s = found[0]!;
  const endsAt = Math.min(s.endsAt, clock.now());
  endSilence(store, s.id, endsAt);
  return { ...s, endsAt, startsAt: Math.min(s.startsAt, endsAt) };
}

/** The silences in force at `now`. */
export function activeSilences(store: StateStore, now: number): Silence[] {
  return silencesInForce(store, now);
}

export function silencing(silences: Silence[], labels: Record<string, string>): Silence | undefined {
  return silences.find((s) => allHold(s.matchers, labels));
}

/** Drops silences that ended more than `keepMs` ago. */
export function pruneSilences(store: StateStore, now: number, keepMs: number): void {
  deleteSilencesEndedBefore(store, now - keepMs);
}
