import type { Note } from '../../core/bus/kafka/notes-topic';
import { ManualClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import { addSilence, expireSilence, listSilences } from '../notify/silence';
import { ackedKeys } from '../notify/store/alerts';
import { createFleetNotes, type FleetNotes, type NotesTopicLike } from './fleet-notes';

/**
 * An in-process log in place of the notes topic: what the fleet notes do with notes, not how
 * Kafka carries them (test/kafka/fleet-silences.test.ts runs them over the broker).
 */
class SharedLog {
  readonly notes: Note[] = [];
  private readonly followers: Array<(n: Note) => void> = [];
  topic(): NotesTopicLike {
    return {
      put: (key, value) => {
        this.notes.push({ key, value });
        for (const f of this.followers) f({ key, value });
        return Promise.resolve();
      },
      follow: (onNote) => {
        for (const n of this.notes) onNote(n);
        this.followers.push(onNote);
        return Promise.resolve();
      },
    };
  }
}

const clock = new ManualClock(Date.UTC(2026, 11, 6, 12));

describe('fleet notes', () => {
  let log: SharedLog;
  const stores: StateStore[] = [];
  const running: FleetNotes[] = [];
  // Sweeps every 5 ms, tombstoning what has been over for an hour of the manual clock.
  const replica = async (): Promise<{ store: StateStore; notes: FleetNotes }> => {
    const store = StateStore.open(':memory:');
    stores.push(store);
    const notes = createFleetNotes({
      topic: log.topic(),
      store,
      logger: silentLogger(),
      sweep: { clock, keepMs: 3_600_000, everyMs: 5 },
    });
    running.push(notes);
    await notes.start();
    return { store, notes };
  };
  beforeEach(() => (log = new SharedLog()));
  afterEach(() => {
    running.splice(0).forEach((n) => n.stop());
    stores.splice(0).forEach((s) => s.close());
  });

  it('a silence made on one replica, and its expiry, reach the others, including one that starts later', async () => {
    const a = await replica();
    const b = await replica();
    const s = addSilence(a.store, { matchers: ['service=web'], for: '1h', comment: 'deploy' }, clock);
    await a.notes.writes.silenced(s);
    expect(listSilences(b.store, clock).map((x) => x.id)).toEqual([s.id]);
    clock.advance(60_000);
    await a.notes.writes.silenced(expireSilence(a.store, s.id, clock));
    const late = await replica();
    for (const r of [a, b, late]) expect(listSilences(r.store, clock)).toEqual([]);
    expect(listSilences(late.store, clock, { all: true })[0]).toMatchObject({
      id: s.id,
      endsAt: clock.now(),
    });
  });

  it('an ack reaches every replica and comes back after notify forgot it (the alert moved away and back)', async () => {
    const a = await replica();
    const b = await replica();
    await a.notes.writes.acked('rule{service="web"}', { by: 'ana', at: clock.now(), comment: 'on it' });
    expect([...ackedKeys(b.store)]).toEqual(['rule{service="web"}']);
    b.store.db.prepare('DELETE FROM notify_acks').run();
    b.notes.reapplyAcks(['rule{service="web"}', 'other']);
    expect([...ackedKeys(b.store)]).toEqual(['rule{service="web"}']);
  });

  it('a silence over for longer than the keep time is tombstoned, once; one still in force or recently over is not', async () => {
    const a = await replica();
    const b = await replica();
    const over = addSilence(a.store, { matchers: ['service=old'], for: '1h', comment: 'past' }, clock);
    await a.notes.writes.silenced(over);
    const kept = addSilence(a.store, { matchers: ['service=web'], for: '3h', comment: 'long' }, clock);
    await a.notes.writes.silenced(kept);
    clock.advance(2 * 3_600_000 + 1); // `over` ended an hour and a bit ago, `kept` is in force
    const tombstones = () => log.notes.filter((n) => n.value === null).map((n) => n.key);
    for (const end = Date.now() + 5_000; tombstones().length === 0 && Date.now() < end;)
      await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50)); // more sweeps: the tombstone is not repeated
    expect(tombstones()).toEqual([`silence:${over.id}`]);
    // Replicas keep it in their history; once compaction ran, one started later no longer learns it.
    expect(listSilences(b.store, clock, { all: true }).map((x) => x.id)).toContain(over.id);
    const last = new Map(log.notes.map((n) => [n.key, n.value]));
    log = new SharedLog();
    for (const [key, value] of last) if (value !== null) log.notes.push({ key, value });
    const late = await replica();
    expect(listSilences(late.store, clock, { all: true }).map((x) => x.id)).toEqual([kept.id]);
  });

  it('a malformed note is skipped and the notes after it still apply; a note of an unknown kind is ignored', async () => {
    const a = await replica();
    const topic = log.topic();
    await topic.put('silence:broken', { id: 'broken', matchers: 'service=web' });
    await topic.put('mystery:1', { x: 1 });
    const s = addSilence(a.store, { matchers: ['host=db1'], for: '1h', comment: 'disk swap' }, clock);
    await a.notes.writes.silenced(s);
    const b = await replica();
    expect(listSilences(b.store, clock).map((x) => x.id)).toEqual([s.id]);
  });
});
