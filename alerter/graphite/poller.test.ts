/**
 * The poller's side of a blind meta-alert handed over in a fleet (alerter/kafka/blind-states.ts),
 * against the real graphite-web (test/support/services-up.sh): it asks for a series nobody wrote,
 * a good (empty) answer.
 */
import { ManualClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import type { CompiledRule } from '../rules/compile';
import type { AlertTransition } from '../types';
import { BlindWatch } from './blind';
import { GraphitePoller } from './poller';

const GRAPHITE_URL = process.env.GRAPHITE_URL ?? 'http://127.0.0.1:8080';
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

const rule = (name: string): CompiledRule =>
  ({
    name,
    fingerprint: name,
    spec: {
      kind: 'graphite',
      name,
      target: `lookout.poller_test.${name}`,
      interval: 1000,
      timeout: 5000,
      window: 10_000,
    },
  }) as unknown as CompiledRule;

/** A blind meta-alert as another replica fired it. */
const handed = (name: string) => new BlindWatch(1).failed(name, 'x', 'refused', T0 - 60_000)[0]!.alert;

describe('GraphitePoller with handed-over blind meta-alerts', () => {
  it('resolves one of its rule on the first good answer, and one of a rule gone from the files at once', async () => {
    const meta: AlertTransition[] = [];
    let hand = [handed('kept'), handed('gone')];
    const poller = new GraphitePoller({
      config: { url: GRAPHITE_URL, max_concurrent: 2, blind_after: 3 },
      clock: new ManualClock(T0),
      log: silentLogger(),
      rules: () => [rule('kept')],
      owns: () => true,
      takeHandedBlind: () => [hand, (hand = [])][0]!,
      feed: (_samples, m) => Promise.resolve(void meta.push(...m)),
    });
    poller.poll();
    await poller.settle();
    expect(meta.map((t) => [t.alert.labels.rule, t.from, t.to])).toEqual([
      ['gone', 'firing', 'resolved'],
      ['kept', 'firing', 'resolved'],
    ]);
    expect(meta[1]!.alert.key).toBe(handed('kept').key);
    await poller.stop();
  });

  it("drops, without a resolve, one of a rule that is now another replica's", async () => {
    const meta: AlertTransition[] = [];
    let hand = [handed('moved')];
    const poller = new GraphitePoller({
      config: { url: GRAPHITE_URL, max_concurrent: 2, blind_after: 3 },
      clock: new ManualClock(T0),
      log: silentLogger(),
      rules: () => [rule('moved')],
      owns: () => false,
      takeHandedBlind: () => [hand, (hand = [])][0]!,
      feed: (_samples, m) => Promise.resolve(void meta.push(...m)),
    });
    poller.poll();
    await poller.settle();
    expect(meta).toEqual([]);
    await poller.stop();
  });
});
