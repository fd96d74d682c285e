import type { Statement } from 'better-sqlite3';
import type { LookoutEvent } from '../../core/events';
import type { StateStore } from '../../core/store/store';

export interface SpoolRow {
  seq: number;
  events: LookoutEvent[];
  bytes: number;
}

interface RawRow {
  seq: number;
  events: number;
  bytes: number;
  payload: string;
}

/**
 * Events a sink could not take yet, in the state store, oldest first. A row is one chunk of a
 * batch as JSON; a crash at any instant leaves each chunk either fully spooled or not at all
 * (one transaction per append), and a row leaves only once its events were delivered.
 */
export class Spool {
  private count = { rows: 0, events: 0, bytes: 0 };
  private readonly q: {
    insert: Statement<[string, number, number, string]>;
    head: Statement<[string, number], RawRow>;
    del: Statement<[number]>;
    update: Statement<[number, number, string, number]>;
    oldest: Statement<[string], RawRow>;
  };

  constructor(
    private readonly store: StateStore,
    readonly sink: string,
  ) {
    store.migrate(
      'delivery-spool-1',
      `CREATE TABLE delivery_spool (seq INTEGER PRIMARY KEY AUTOINCREMENT, sink TEXT NOT NULL, events INTEGER NOT NULL, bytes INTEGER NOT NULL, payload TEXT NOT NULL);
       CREATE INDEX delivery_spool_sink ON delivery_spool (sink, seq);`,
    );
    const db = store.db;
    this.q = {
      insert: db.prepare('INSERT INTO delivery_spool (sink, events, bytes, payload) VALUES (?, ?, ?, ?)'),
      head: db.prepare(
        'SELECT seq, events, bytes, payload FROM delivery_spool WHERE sink = ? ORDER BY seq LIMIT ?',
      ),
      del: db.prepare('DELETE FROM delivery_spool WHERE seq = ?'),
      update: db.prepare('UPDATE delivery_spool SET events = ?, bytes = ?, payload = ? WHERE seq = ?'),
      oldest: db.prepare(
        'SELECT seq, events, bytes, payload FROM delivery_spool WHERE sink = ? ORDER BY seq LIMIT 1',
      ),
    };
    const row = db
      .prepare(
        'SELECT COUNT(*) AS rows, COALESCE(SUM(events), 0) AS events, COALESCE(SUM(bytes), 0) AS bytes FROM delivery_spool WHERE sink = ?',
      )
      .get(sink) as {
      rows: number;
      events: number;
      bytes: number;
    };
    this.count = row;
  }

  get rows(): number {
    return this.count.rows;
  }
  get events(): number {
    return this.count.events;
  }
  get bytes(): number {
    return this.count.bytes;
  }

  /** Appends chunks in order, in one transaction. Returns the bytes written. */
  append(chunks: LookoutEvent[][]): number {
    let total = 0;
    this.store.tx(() => {
      for (const c of chunks) {
        if (c.length === 0) continue;
        const payload = JSON.stringify(c);
        this.q.insert.run(this.sink, c.length, payload.length, payload);
        this.count.rows++;
        this.count.events += c.length;
        this.count.bytes += payload.length;
        total += payload.length;
      }
    });
    return total;
  }

  /** The oldest rows, up to the limits (always at least one row when there is one). */
  head(maxEvents: number, maxBytes: number): SpoolRow[] {
    const out: SpoolRow[] = [];
    let events = 0;
    let bytes = 0;
    for (const r of this.q.head.iterate(this.sink, 1000)) {
      if (out.length > 0 && (events + r.events > maxEvents || bytes + r.bytes > maxBytes)) break;
      out.push({ seq: r.seq, events: JSON.parse(r.payload) as LookoutEvent[], bytes: r.bytes });
      events += r.events;
      bytes += r.bytes;
    }
    return out;
  }

  /**
   * The rows were handled: they leave the spool. `remaining` (events still to send) takes the
   * place of the first row, so it stays at the head and keeps its order.
   */
  settle(rows: SpoolRow[], remaining: LookoutEvent[] = []): void {
    this.store.tx(() => {
      rows.forEach((r, i) => {
        this.count.events -= r.events.length;
        this.count.bytes -= r.bytes;
        if (i === 0 && remaining.length > 0) {
          const payload = JSON.stringify(remaining);
          this.q.update.run(remaining.length, payload.length, payload, r.seq);
          this.count.events += remaining.length;
          this.count.bytes += payload.length;
        } else {
          this.q.del.run(r.seq);
          this.count.rows--;
        }
      });
    });
  }

  /** Deletes the oldest row (policy drop_oldest). Returns the events it held, 0 when empty. */
  dropOldest(): number {
    const r = this.q.oldest.get(this.sink);
    if (!r) return 0;
    this.q.del.run(r.seq);
    this.count.rows--;
    this.count.events -= r.events;
    this.count.bytes -= r.bytes;
    return r.events;
  }

  /**
   * Event time (ms) of the oldest event in the oldest row, for the spool's age on /metrics:
   * read when scraped, inside SQLite, never on the path events take.
   */
  oldestEventTs(): number | undefined {
    if (this.count.rows === 0) return undefined;
    this.oldestTs ??= this.store.db.prepare(
      `SELECT MIN(json_extract(e.value, '$.ts')) AS ts FROM json_each(
         (SELECT payload FROM delivery_spool WHERE sink = ? ORDER BY seq LIMIT 1)) AS e`,
    );
    const row = this.oldestTs.get(this.sink) as { ts: number | null } | undefined;
    return row?.ts ?? undefined;
  }

  private oldestTs?: Statement<[string]>;
}
