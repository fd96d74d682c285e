import type { Clock } from '../../../core/clock';
import type { Logger } from '../../../core/logger';
import type { Checkpoint, CheckpointStore } from './checkpoints';

/** What a tailer needs of its checkpoints: the store itself, or a writer in front of it. */
export type Checkpoints = Pick<CheckpointStore, 'get' | 'put' | 'delete'>;

/**
 * Writes a container's checkpoint at most once per `intervalMs` while its file is read fast
 * (a SQLite upsert per batch was 4 % of bench:tail). A checkpoint only ever moves past delivered
 * lines, and every tailed line carries a stable id, so holding the newest one back for a while
 * only widens what a crash re-sends (at most `intervalMs` of lines, de-duplicated by id), never
 * loses a line. Written at once regardless: a container's first checkpoint, one in a new file
 * (rotation: the old file may be deleted soon) or back in its file (truncation), and every held
 * one when `flush` runs (the source stops) or the timer fires. 0 writes every one at once.
 */
export class CheckpointWriter implements Checkpoints {
  /** The newest checkpoint of each container not written yet. */
  private readonly held = new Map<string, Checkpoint>();
  /** When each container's checkpoint was last written, in which file, at which offset. */
  private readonly written = new Map<string, { at: number; file: string; offset: number }>();
  private timer: NodeJS.Timeout | undefined;
  private immediate: boolean;

  constructor(
    private readonly store: CheckpointStore,
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {
    this.immediate = intervalMs <= 0;
  }

  get(containerId: string): Checkpoint | undefined {
    return this.held.get(containerId) ?? this.store.get(containerId);
  }

  put(containerId: string, c: Checkpoint, now: number): void {
    const last = this.written.get(containerId);
    if (this.immediate || !last || movedElsewhere(last, c) || now - last.at >= this.intervalMs) {
      this.write(containerId, c, now);
      return;
    }
    this.held.set(containerId, c);
    // One timer for all containers: a held checkpoint is written within intervalMs even when
    // no later batch of its container comes to push it out.
    this.timer ??= setTimeout(() => this.writeHeldSafely(), this.intervalMs).unref();
  }

  delete(containerId: string): void {
    this.held.delete(containerId);
    this.written.delete(containerId);
    this.store.delete(containerId);
  }

  /** Writes every held checkpoint now, and from here on every checkpoint at once (stopping). */
  flush(): void {
    this.immediate = true;
    this.writeHeld();
  }

  /** From a timer: a store closed under it (shutdown) must not throw out of the event loop. */
  private writeHeldSafely(): void {
    try {
      this.writeHeld();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'could not write a log checkpoint');
    }
  }

  private writeHeld(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.clock.now();
    for (const [id, c] of this.held) this.write(id, c, now);
  }

  private write(containerId: string, c: Checkpoint, now: number): void {
    this.held.delete(containerId);
    this.store.put(containerId, c, now);
    this.written.set(containerId, { at: now, file: fileOf(c), offset: offsetOf(c) });
  }
}

/** Another file (rotation), or back in the same one (truncated and read again from its start). */
function movedElsewhere(last: { file: string; offset: number }, c: Checkpoint): boolean {
  return last.file !== fileOf(c) || offsetOf(c) < last.offset;
}

function offsetOf(c: Checkpoint): number {
  return c.kind === 'file' ? c.offset : 0;
}

/** Which file a checkpoint is in (an API checkpoint has none: one name for all). */
function fileOf(c: Checkpoint): string {
  return c.kind === 'file' ? `${c.dev}:${c.ino}:${c.fp ?? ''}` : 'api';
}
