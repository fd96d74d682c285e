/** notify_groups: each notification group's timers and what it last told its receiver. */
import type { StateStore } from '../../../core/store/store';
import type { GroupState } from '../group';

type Raw = Record<string, unknown>;

export function loadGroups(store: StateStore): Map<string, GroupState> {
  const rows = store.db.prepare('SELECT * FROM notify_groups').all() as Raw[];
  return new Map(
    rows.map((r) => [
      r.id as string,
      {
        id: r.id as string,
        route: r.route as string,
        receiver: r.receiver as string,
        labels: JSON.parse(r.labels as string) as Record<string, string>,
        incidentKey: (r.incident_key as string | null) ?? undefined,
        firstAt: (r.first_at as number | null) ?? undefined,
        lastFlushAt: (r.last_flush_at as number | null) ?? undefined,
        fingerprint: r.fingerprint as string,
        members: JSON.parse(r.members as string) as string[],
        seen: JSON.parse((r.seen as string | null) ?? '[]') as string[],
        ...(r.aggregate ? { aggregate: true } : {}),
      },
    ]),
  );
}

export function saveGroup(store: StateStore, g: GroupState): void {
  store.db
    .prepare(
      `INSERT INTO notify_groups (id, route, receiver, labels, incident_key, first_at, last_flush_at, fingerprint, members, seen, aggregate)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET route = excluded.route, incident_key = excluded.incident_key, first_at = excluded.first_at,
       last_flush_at = excluded.last_flush_at, fingerprint = excluded.fingerprint, members = excluded.members,
       seen = excluded.seen, aggregate = excluded.aggregate`,
    )
    .run(
      g.id,
      g.route,
      g.receiver,
      JSON.stringify(g.labels),
      g.incidentKey ?? null,
      g.firstAt ?? null,
      g.lastFlushAt ?? null,
      g.fingerprint,
      JSON.stringify(g.members),
      JSON.stringify(g.seen ?? []),
      g.aggregate ? 1 : 0,
    );
}

export function deleteGroup(store: StateStore, id: string): void {
  store.db.prepare('DELETE FROM notify_groups WHERE id = ?').run(id);
}
