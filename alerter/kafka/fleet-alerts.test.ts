import type { Note } from '../../core/bus/kafka/notes-topic';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import { deleteAlert, setMuted, upsertAlert } from '../notify/store/alerts';
import { migrateNotify } from '../notify/store/tables';
import type { Alert } from '../types';
import { FleetAlertView, shareOwnAlerts } from './fleet-alerts';
import type { NotesTopicLike } from './fleet-notes';

/** The notes topic as an array: what is shared, not how Kafka carries it (test/kafka/fleet-cli.test.ts does). */
function topic(notes: Note[]): NotesTopicLike {
  return {
    put: (key, value) => Promise.resolve(void notes.push({ key, value })),
    follow: () => Promise.resolve(),
  };
}

const alert = (key: string) => ({ key, rule: 'hot', labels: { service: key } }) as unknown as Alert;

function write(store: StateStore, key: string, status: 'firing' | 'resolved'): void {
  upsertAlert(store, {
    key,
    alert: alert(key),
    status,
    now: 1,
    since: 1,
    changes: [],
    flapping: false,
    unseen: false,
  });
}

async function until(what: string, ok: () => boolean): Promise<void> {
  for (const end = Date.now() + 10_000; !ok(); await new Promise((r) => setTimeout(r, 5)))
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
}

test('rows that changed are shared; one forgotten after it resolved is deleted; one that moved away is not', async () => {
  const store = StateStore.open(':memory:');
  migrateNotify(store);
  const notes: Note[] = [];
  const stop = shareOwnAlerts({ topic: topic(notes), store, logger: silentLogger(), everyMs: 5 });
  write(store, 'a', 'firing');
  write(store, 'b', 'firing');
  await until('a and b shared', () => notes.length === 2);
  expect(notes.map((n) => n.key).sort()).toEqual(['alert:a', 'alert:b']);

  setMuted(store, 'a', 'silence:s1'); // a silence mutes it: a change worth sharing
  write(store, 'b', 'resolved');
  await until('both changes shared', () => notes.length === 4);
  expect(
    notes.slice(2).map((n) => [n.key, (n.value as { muted: string | null; status: string }).status]),
  ).toEqual(
    expect.arrayContaining([
      ['alert:a', 'firing'],
      ['alert:b', 'resolved'],
    ]),
  );

  deleteAlert(store, 'a'); // released while firing: its new owner shares it
  deleteAlert(store, 'b'); // forgotten after it resolved
  await until('the tombstone', () => notes.some((n) => n.value === null));
  await new Promise((r) => setTimeout(r, 30));
  expect(notes.slice(4)).toEqual([{ key: 'alert:b', value: null }]);
  stop();
  store.close();
});

test("the view lists other replicas' rows, not those this replica holds itself; a tombstone removes one", () => {
  const view = new FleetAlertView();
  const row = (key: string, status: string) => ({
    key,
    status,
    alert: alert(key),
    muted: null,
    flapping: false,
    acked: false,
  });
  view.apply('a', row('a', 'firing'));
  view.apply('b', row('b', 'firing'));
  view.apply('c', row('c', 'firing'));
  view.apply('c', null);
  expect(view.othersThan([row('a', 'resolved') as never]).map((r) => r.key)).toEqual(['b']);
});
