/**
 * Each sink's spool age on /metrics (issue 18): how old the oldest event still waiting in the
 * spool is. Depth alone cannot tell a backend that fell behind a minute ago from one that has
 * been gone since yesterday. Computed when /metrics is scraped (prom-client's collect), so the
 * delivery path pays nothing for it.
 */
import { Gauge } from 'prom-client';
import type { Spool } from './spool';

const watched = new Map<string, { spool: Spool; now: () => number }>();

export const spoolOldestAge = new Gauge({
  name: 'lookout_spool_oldest_event_age_seconds',
  help: 'age (from its event time) of the oldest event spooled for the sink; 0 when the spool is empty',
  labelNames: ['sink'] as const,
  collect() {
    this.reset();
    for (const [sink, w] of watched) {
      let ts: number | undefined;
      try {
        ts = w.spool.oldestEventTs();
      } catch {
        continue; // the store is closing: no figure rather than a failed scrape
      }
      this.set({ sink }, ts === undefined ? 0 : Math.max(0, w.now() - ts) / 1000);
    }
  },
});

/** Shows the spool's age until the returned function is called (at delivery close). */
export function watchSpoolAge(spool: Spool, now: () => number): () => void {
  const entry = { spool, now };
  watched.set(spool.sink, entry);
  return () => {
    if (watched.get(spool.sink) === entry) watched.delete(spool.sink);
  };
}
