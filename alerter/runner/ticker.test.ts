import { ManualClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import { AlertStore } from '../engine/persist';
import { engineFor, heartbeat } from '../testing/fixtures';
import type { AlertTransition } from '../types';
import { TransitionDelivery } from './delivery';
import { InventorySaver } from './inventory';
import { SerialQueue } from './serial';
import { Ticker } from './ticker';

/** 120 absence rules: ceil(120 / 50) = 3 slices of 40. */
const RULES = `rules:\n${Array.from(
  { length: 120 },
  (_, i) => `  - {name: q${i}, kind: absence, of: heartbeat, after: 30s, group_by: [host], summary: s}\n`,
).join('')}`;

describe('Ticker', () => {
  it('ticks in slices, letting queued batches in between, and does not stack ticks', async () => {
    const { engine, clock } = engineFor(RULES);
    engine.ingest([heartbeat(0, 'h1')]);
    const store = StateStore.open(':memory:');
    const alertStore = new AlertStore(store);
    const serial = new SerialQueue();
    const got: AlertTransition[] = [];
    const delivery = new TransitionDelivery({
      engine,
      alertStore,
      clock: new ManualClock(0),
      log: silentLogger(),
      historyLimit: 10,
      onTransitions: (t) => Promise.resolve(void got.push(...t)),
    });
    const inventory = new InventorySaver(engine, alertStore, clock);
    const ticker = new Ticker({ engine, serial, delivery, inventory, log: silentLogger() });
    clock.advance(60_000);
    const order: string[] = [];
    const first = ticker.tick();
    expect(ticker.tick()).toBe(first);
    await new Promise((r) => setImmediate(r));
    void serial.run(() => order.push(`batch after ${got.length}`));
    await first;
    expect(got).toHaveLength(120);
    // The batch ran after the first slice, before the tick was done.
    expect(order).toEqual(['batch after 40']);
    expect(alertStore.loadInventory()).toMatchObject({ q0: [{ host: 'h1' }] });
    store.close();
  });
});
