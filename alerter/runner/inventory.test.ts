import { StateStore } from '../../core/store/store';
import { AlertStore } from '../engine/persist';
import { engineFor, heartbeat } from '../testing/fixtures';
import { InventorySaver } from './inventory';

const RULES =
  'rules:\n  - {name: quiet, kind: absence, of: heartbeat, after: 30s, group_by: [host], summary: s}\n';

describe('InventorySaver', () => {
  it('saves at most every 10 s, only what changed; a forced save skips the wait', () => {
    const { engine, clock } = engineFor(RULES);
    const store = StateStore.open(':memory:');
    const alertStore = new AlertStore(store);
    const saved: unknown[] = [];
    const spy = jest.spyOn(alertStore, 'saveInventory').mockImplementation((inv) => void saved.push(inv));
    const s = new InventorySaver(engine, alertStore, clock);
    engine.ingest([heartbeat(0, 'h1')]);
    s.save();
    engine.ingest([heartbeat(0, 'h2')]);
    clock.advance(1_000);
    s.save();
    expect(saved).toEqual([{ quiet: [{ host: 'h1' }] }]);
    clock.advance(10_000);
    s.save();
    clock.advance(10_000);
    s.save();
    expect(saved).toHaveLength(2);
    engine.ingest([heartbeat(21_000, 'h3')]);
    s.save(true);
    expect(saved).toHaveLength(3);
    spy.mockRestore();
    store.close();
  });
});
