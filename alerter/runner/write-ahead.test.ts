import { ManualClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import type { PersistedAlert } from '../engine/engine';
import { AlertStore } from '../engine/persist';
import { engineFor, metric, T0 } from '../testing/fixtures';
import type { AlertTransition } from '../types';
import { TransitionDelivery } from './delivery';
import { within, WriteAhead } from './write-ahead';

const RULES =
  'rules:\n  - {name: hot, kind: threshold, metric: cpu.percent, window: 10s, threshold: 80, summary: s}\n';

describe('within', () => {
  it('settles as the write does', async () => {
    await expect(within(Promise.resolve(), 60_000)).resolves.toBeUndefined();
    await expect(within(Promise.reject(new Error('broker away')), 60_000)).rejects.toThrow('broker away');
  });

  it('gives up on a write that does not answer, naming the deadline', async () => {
    await expect(within(new Promise<void>(() => undefined), 20)).rejects.toThrow(
      'state topic did not answer within 20 ms',
    );
  });
});

/** A delivery whose notify and hand-off write log what they get, in order. */
function rig(write: (states: PersistedAlert[]) => Promise<void>, deadlineMs = 60_000) {
  const { engine } = engineFor(RULES);
  const store = StateStore.open(':memory:');
  const seen: string[] = [];
  const log = silentLogger();
  const writeAhead = new WriteAhead({
    engine,
    log,
    deadlineMs,
    write: async (states) => {
      seen.push(`ahead ${states.map((s) => `${s.groupLabels.container ?? s.key}:${s.state}`).join(',')}`);
      await write(states);
    },
  });
  const delivery = new TransitionDelivery({
    engine,
    alertStore: new AlertStore(store),
    clock: new ManualClock(T0),
    log,
    historyLimit: 100,
    onTransitions: (t: AlertTransition[]) =>
      Promise.resolve(void seen.push(`notify ${t.map((x) => x.to).join(',')}`)),
    writeAhead,
  });
  return { engine, store, seen, delivery };
}

describe('WriteAhead in the delivery', () => {
  it("writes a firing's state before notify hears of it, and a resolve's only after", async () => {
    const r = rig(() => Promise.resolve());
    await r.delivery.deliver(r.engine.ingest([metric(0, 'cpu.percent', 95)]));
    expect(r.seen).toHaveLength(2);
    expect(r.seen[0]).toMatch(/^ahead .+:firing$/);
    expect(r.seen[1]).toBe('notify firing');
    await r.delivery.deliver(r.engine.ingest([metric(20_000, 'cpu.percent', 5)]));
    // No write ahead for the resolve: lost with its replica, it would leave the page open.
    expect(r.seen.slice(2)).toEqual(['notify resolved']);
    r.store.close();
  });

  it('a state topic that does not answer holds the page back for the deadline only', async () => {
    const r = rig(() => new Promise<void>(() => undefined), 50);
    await r.delivery.deliver(r.engine.ingest([metric(0, 'cpu.percent', 95)]));
    expect(r.seen.map((l) => l.split(' ')[0])).toEqual(['ahead', 'notify']);
    expect(r.delivery.pending).toBe(0);
    r.store.close();
  });

  it('a refused write ahead does not hold the page back either', async () => {
    const r = rig(() => Promise.reject(new Error('broker away')));
    await r.delivery.deliver(r.engine.ingest([metric(0, 'cpu.percent', 95)]));
    expect(r.seen.map((l) => l.split(' ')[0])).toEqual(['ahead', 'notify']);
    r.store.close();
  });
});
