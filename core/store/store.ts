import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { LookoutError } from '../errors';

export type Db = Database.Database;

/**
 * The embedded state store: one SQLite file per process, WAL mode. Each component owns its
 * tables (log checkpoints, spool, alert states, silences, outbox) and creates them with
 * `migrate`; the store only opens, migrates and offers transactions and a namespaced KV.
 */
export class StateStore {
  readonly db: Db;
  private readonly stmts: {
    get: Database.Statement<[string, string], { value: string }>;
    put: Database.Statement<[string, string, string]>;
    del: Database.Statement<[string, string]>;
    list: Database.Statement<[string], { key: string; value: string }>;
  };

  private constructor(
    db: Db,
    readonly file: string,
  ) {
    this.db = db;
    db.exec(`CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS kv (ns TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (ns, key)) WITHOUT ROWID;`);
    this.stmts = {
      get: db.prepare('SELECT value FROM kv WHERE ns = ? AND key = ?'),
      put: db.prepare(
        'INSERT INTO kv (ns, key, value) VALUES (?, ?, ?) ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value',
      ),
      del: db.prepare('DELETE FROM kv WHERE ns = ? AND key = ?'),
      list: db.prepare('SELECT key, value FROM kv WHERE ns = ? ORDER BY key'),
    };
  }

  /** Opens (creating folders as needed) the store at `file`; `:memory:` for tests. */
  static open(file: string): StateStore {
    if (file !== ':memory:') {
      try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
      } catch (err) {
        throw new LookoutError(
          `cannot create the state folder ${path.dirname(file)}: ${(err as Error).message}`,
          { cause: err },
        );
      }
    }
    let db: Db;
    try {
      db = new Database(file);
    } catch (err) {
      throw new LookoutError(`cannot open the state store ${file}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode is durable against a process crash (kill -9); only a power loss can cost the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    return new StateStore(db, file);
  }

  /** Runs `sql` once per store file, under `name`. Safe to call at every start. */
  migrate(name: string, sql: string): void {
    const done = this.db.prepare('SELECT 1 FROM migrations WHERE name = ?').get(name);
    if (done) return;
    this.tx(() => {
      this.db.exec(sql);
      this.db.prepare('INSERT INTO migrations (name, applied_at) VALUES (?, ?)').run(name, Date.now());
    });
  }

  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  get<T>(ns: string, key: string): T | undefined {
    const row = this.stmts.get.get(ns, key);
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  put(ns: string, key: string, value: unknown): void {
    this.stmts.put.run(ns, key, JSON.stringify(value));
  }

  delete(ns: string, key: string): void {
    this.stmts.del.run(ns, key);
  }

  list<T>(ns: string): Array<{ key: string; value: T }> {
    return this.stmts.list.all(ns).map((r) => ({ key: r.key, value: JSON.parse(r.value) as T }));
  }

  /** Bytes the database file takes on disk (for the spool bound). */
  sizeBytes(): number {
    const row = this.db
      .prepare('SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()')
      .get() as { n: number };
    return row.n;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
