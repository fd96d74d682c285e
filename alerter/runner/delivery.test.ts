import { ManualClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import { AlertStore } from '../engine/persist';
import { engineFor, metric, T0 } from '../testing/fixtures';
import type { AlertTransition } from '../types';
import { TransitionDelivery } from './delivery';

const RULES =
  'rules:\n  - {name: hot, kind: threshold, metric: cpu.percent, window: 10s, threshold: 80, summary: s}\n';

describe('TransitionDelivery', () => {
  it('records a state only once notify took its transition; what notify refused goes again with the next', async () => {
    const { engine } = engineFor(RULES);
    const store = StateStore.open(':memory:');
    const alertStore = new AlertStore(store);
    let down = true;
    const got: AlertTransition[][] = [];
    const d = new TransitionDelivery({
      engine,
      alertStore,
      clock: new ManualClock(T0),
      log: silentLogger(),
      historyLimit: 100,
      onTransitions: (t) =>
        down ? Promise.reject(new Error('disk full')) : Promise.resolve(void got.push(t)),
    });
    await d.deliver(engine.ingest([metric(0, 'cpu.percent', 95)]));
    expect(d.pending).toBe(1);
    expect(alertStore.load()).toEqual([]);
    down = false;
    await d.deliver([]);
    expect(d.pending).toBe(0);
    expect(got.map((b) => b.map((t) => t.to))).toEqual([['firing']]);
    expect(alertStore.load().map((p) => p.state)).toEqual(['firing']);
    store.close();
  });

  it("in one store, commits notify's rows and the states together or neither", async () => {
    const { engine } = engineFor(RULES);
    const store = StateStore.open(':memory:');
    const alertStore = new AlertStore(store);
    let full = true;
    const d = new TransitionDelivery({
      engine,
      alertStore,
      clock: new ManualClock(T0),
      log: silentLogger(),
      historyLimit: 100,
      onTransitions: () => Promise.reject(new Error('not used with an intake')),
      intake: {
        tx: (fn) => store.tx(fn),
        take: (t) => {
          store.put(
            'notify-test',
            'took',
            t.map((x) => x.to),
          );
          // Fails after its row is written: the transaction takes the row back.
          if (full) throw new Error('disk full');
        },
      },
    });
    await d.deliver(engine.ingest([metric(0, 'cpu.percent', 95)]));
    expect(d.pending).toBe(1);
    expect(store.get('notify-test', 'took')).toBeUndefined();
    expect(alertStore.load()).toEqual([]);
    full = false;
    await d.deliver([]);
    expect(d.pending).toBe(0);
    expect(store.get('notify-test', 'took')).toEqual(['firing']);
    // The state taken from the engine at the failed try is saved with the retry.
    expect(alertStore.load().map((p) => p.state)).toEqual(['firing']);
    store.close();
  });
});
