import { register } from 'prom-client';
import type { MetricSample } from '../../core/events';
import { StateStore } from '../../core/store/store';
import { Spool } from './spool';
import { watchSpoolAge } from './spool-age';

const sample = (ts: number): MetricSample => ({
  kind: 'metric',
  host: 'h1',
  ts,
  name: 'cpu.percent',
  value: 1,
  type: 'gauge',
});

async function ageOf(sink: string): Promise<number | undefined> {
  const text = await register.getSingleMetricAsString('lookout_spool_oldest_event_age_seconds');
  const m = new RegExp(`sink="${sink}"\\} (\\S+)`).exec(text);
  return m ? Number(m[1]) : undefined;
}

test("the oldest spooled event's age, read at scrape time; 0 once drained; gone once unwatched", async () => {
  const store = StateStore.open(':memory:');
  const now = 1_700_000_100_000;
  const spool = new Spool(store, 'es');
  const unwatch = watchSpoolAge(spool, () => now);
  expect(await ageOf('es')).toBe(0);
  // Out of order inside the oldest row: its oldest event counts, not its first.
  spool.append([[sample(now - 30_000), sample(now - 90_000)], [sample(now - 200_000)]]);
  expect(await ageOf('es')).toBe(90);
  spool.settle(spool.head(2, 1e9));
  expect(await ageOf('es')).toBe(200);
  spool.settle(spool.head(10, 1e9));
  expect(await ageOf('es')).toBe(0);
  unwatch();
  expect(await ageOf('es')).toBeUndefined();
  store.close();
});
