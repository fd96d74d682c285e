import { register } from 'prom-client';
import { logEvent } from '../../test/kafka/support';
import { EventLag } from './event-lag';

const gauge = async (name: string) =>
  Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await register.getSingleMetricAsString(name))![1]);

test.each([
  ['a batch 5 s behind', [-9000, -5000, -7000], 5, -5000],
  ['a host clock ahead of ours is no lag', [-1000, +3000], 0, 0],
] as const)('%s', async (_what, offsets, lagSeconds, newestOffset) => {
  const now = 1_700_000_500_000;
  const lag = new EventLag();
  lag.observe(
    offsets.map((o, i) => ({ ...logEvent('web', i), ts: now + o })),
    now,
  );
  expect(await gauge('lookout_alerter_event_lag_seconds')).toBe(lagSeconds);
  expect(await gauge('lookout_alerter_last_event_timestamp_seconds')).toBe((now + newestOffset) / 1000);
});

test('an empty batch changes nothing; an older batch updates the lag, not the newest event', async () => {
  const now = 1_700_000_900_000;
  const lag = new EventLag();
  lag.observe([{ ...logEvent('web', 1), ts: now - 1000 }], now);
  lag.observe([], now + 60_000);
  expect(await gauge('lookout_alerter_event_lag_seconds')).toBe(1);
  lag.observe([{ ...logEvent('web', 2), ts: now - 20_000 }], now);
  expect(await gauge('lookout_alerter_event_lag_seconds')).toBe(20);
  expect(await gauge('lookout_alerter_last_event_timestamp_seconds')).toBe((now - 1000) / 1000);
});
