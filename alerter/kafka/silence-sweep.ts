/**
 * Expired silences leave the notes topic (issue 17). A compacted topic keeps the last value of
 * every key for ever, so without a tombstone every silence ever set would be read by every
 * replica at every start. Once a silence has been over for EXPIRED_KEEP_MS, a tombstone for its
 * key lets compaction drop it. Replicas keep it in their own store's history (`lookout silence
 * query --all`); only a replica started later no longer learns it. Every replica sweeps: the
 * tombstone is the same whoever writes it, and the first one seen stops the others.
 */
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';

/** As long as an operator looks back at what was silenced during an incident (Alertmanager keeps 5 days). */
export const EXPIRED_KEEP_MS = 5 * 24 * 3_600_000;
export const SWEEP_EVERY_MS = 60_000;

/** The silences still in the topic: id → endsAt, as the notes say. */
export class LiveSilences {
  private readonly ends = new Map<string, number>();

  noted(id: string, endsAt: number | null): void {
    if (endsAt === null) this.ends.delete(id);
    else this.ends.set(id, endsAt);
  }

  /** Ids of silences over for longer than `keepMs`. */
  expired(now: number, keepMs: number): string[] {
    return [...this.ends].filter(([, end]) => end + keepMs <= now).map(([id]) => id);
  }
}

/** Writes the tombstones due, every `everyMs`; stops with the returned function. */
export function sweepExpiredSilences(deps: {
  live: LiveSilences;
  tombstone: (id: string) => Promise<void>;
  clock: Clock;
  logger: Logger;
  keepMs?: number;
  everyMs?: number;
}): () => void {
  let running = false;
  const sweep = async (): Promise<void> => {
    for (const id of deps.live.expired(deps.clock.now(), deps.keepMs ?? EXPIRED_KEEP_MS)) {
      await deps.tombstone(id);
      // Not waiting for our own tombstone to come back: the next sweep would write it again.
      deps.live.noted(id, null);
    }
  };
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweep()
      .catch((err: unknown) => deps.logger.warn({ err }, 'expired silences not tombstoned yet; retried'))
      .finally(() => (running = false));
  }, deps.everyMs ?? SWEEP_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
