import type { StateStore } from '../../../core/store/store';
import type Database from 'better-sqlite3';

/** A file checkpoint: the first byte not yet delivered, in the file of that identity. */
export interface FileCheckpoint {
  kind: 'file';
  dev: string;
  ino: string;
  fp?: string;
  offset: number;
  path: string;
}

/** A logs-API checkpoint: the last delivered Docker time, and how many lines carried that exact time. */
export interface ApiCheckpoint {
  kind: 'api';
  time: string;
  sameTimeCount: number;
}

export type Checkpoint = FileCheckpoint | ApiCheckpoint;

interface Row {
  kind: string;
  dev: string | null;
  ino: string | null;
  fp: string | null;
  offset: number;
  path: string | null;
  api_time: string | null;
}

/** The tailer's own table in the state store: one row per container. */
export class CheckpointStore {
  private readonly getStmt: Database.Statement<[string], Row>;
  private readonly putStmt: Database.Statement<unknown[]>;
  private readonly delStmt: Database.Statement<[string]>;

  constructor(store: StateStore) {
    store.migrate(
      'logs-checkpoints-1',
      `CREATE TABLE log_checkpoints (
         container_id TEXT PRIMARY KEY,
         kind TEXT NOT NULL,
         dev TEXT, ino TEXT, fp TEXT,
         offset INTEGER NOT NULL DEFAULT 0,
         path TEXT,
         api_time TEXT,
         updated_at INTEGER NOT NULL)`,
    );
    this.getStmt = store.db.prepare(
      'SELECT kind, dev, ino, fp, offset, path, api_time FROM log_checkpoints WHERE container_id = ?',
    );
    this.putStmt = store.db.prepare(
      `INSERT INTO log_checkpoints (container_id, kind, dev, ino, fp, offset, path, api_time, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (container_id) DO UPDATE SET kind = excluded.kind, dev = excluded.dev, ino = excluded.ino, fp = excluded.fp,
         offset = excluded.offset, path = excluded.path, api_time = excluded.api_time, updated_at = excluded.updated_at`,
    );
    this.delStmt = store.db.prepare('DELETE FROM log_checkpoints WHERE container_id = ?');
  }

  get(containerId: string): Checkpoint | undefined {
    const r = this.getStmt.get(containerId);
    if (!r) return undefined;
    if (r.kind === 'api') return { kind: 'api', time: r.api_time ?? '', sameTimeCount: r.offset };
    return {
      kind: 'file',
      dev: r.dev ?? '',
      ino: r.ino ?? '',
      fp: r.fp ?? undefined,
      offset: r.offset,
      path: r.path ?? '',
    };
  }

  put(containerId: string, c: Checkpoint, now: number): void {
    if (c.kind === 'api')
      this.putStmt.run(containerId, 'api', null, null, null, c.sameTimeCount, null, c.time, now);
    else this.putStmt.run(containerId, 'file', c.dev, c.ino, c.fp ?? null, c.offset, c.path, null, now);
  }

  delete(containerId: string): void {
    this.delStmt.run(containerId);
  }
}
