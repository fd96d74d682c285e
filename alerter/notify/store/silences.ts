/**
 * notify_silences: the silences people set. Every statement on the table is here; silence.ts
 * holds the rules (what a valid silence is, what it mutes).
 */
import type { StateStore } from '../../../core/store/store';
import type { Matcher } from '../matchers';

export interface Silence {
  id: string;
  matchers: Matcher[];
  startsAt: number;
  endsAt: number;
  comment: string;
  createdBy: string;
  createdAt: number;
}

type Raw = {
  id: string;
  matchers: string;
  starts_at: number;
  ends_at: number;
  comment: string;
  created_by: string;
  created_at: number;
};

const fromRaw = (r: Raw): Silence => ({
  id: r.id,
  matchers: JSON.parse(r.matchers) as Matcher[],
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  comment: r.comment,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

export function insertSilence(store: StateStore, s: Silence): void {
  store.db
    .prepare(
      'INSERT INTO notify_silences (id, matchers, starts_at, ends_at, comment, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
    .run(s.id, JSON.stringify(s.matchers), s.startsAt, s.endsAt, s.comment, s.createdBy, s.createdAt);
}

/** Every silence (`endingAfter` unset) or those ending after it, newest first. */
export function loadSilences(store: StateStore, endingAfter?: number): Silence[] {
  const rows = (
    endingAfter === undefined
      ? store.db.prepare('SELECT * FROM notify_silences ORDER BY created_at DESC').all()
      : store.db
          .prepare('SELECT * FROM notify_silences WHERE ends_at > ? ORDER BY created_at DESC')
          .all(endingAfter)
  ) as Raw[];
  return rows.map(fromRaw);
}

/** The silences whose id starts with `prefix` (people copy the first few characters). */
export function silencesByIdPrefix(store: StateStore, prefix: string): Silence[] {
  const rows = store.db.prepare("SELECT * FROM notify_silences WHERE id LIKE ? || '%'").all(prefix) as Raw[];
  return rows.map(fromRaw);
}

/** Ends a silence at `endsAt`; one not yet started starts then too, so it never ends before it starts. */
export function endSilence(store: StateStore, id: string, endsAt: number): void {
  store.db
    .prepare('UPDATE notify_silences SET ends_at = ?, starts_at = MIN(starts_at, ?) WHERE id = ?')
    .run(endsAt, endsAt, id);
}

/** The silences in force at `now`. */
export function silencesInForce(store: StateStore, now: number): Silence[] {
  const rows = store.db
    .prepare('SELECT * FROM notify_silences WHERE starts_at <= ? AND ends_at > ?')
    .all(now, now) as Raw[];
  return rows.map(fromRaw);
}

export function deleteSilencesEndedBefore(store: StateStore, before: number): void {
  store.db.prepare('DELETE FROM notify_silences WHERE ends_at < ?').run(before);
}

/** Writes a silence another replica of the fleet made or changed (its last version wins). */
export function upsertSilence(store: StateStore, s: Silence): void {
  store.db
    .prepare(
      'INSERT OR REPLACE INTO notify_silences (id, matchers, starts_at, ends_at, comment, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
    .run(s.id, JSON.stringify(s.matchers), s.startsAt, s.endsAt, s.comment, s.createdBy, s.createdAt);
}
