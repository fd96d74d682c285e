import type { LifecycleAction, LifecycleEvent } from '../../../core/events';
import { StateStore } from '../../../core/store/store';
import { T0 } from '../../../test/notify/fixtures';
import { pendingRows } from '../store/outbox';
import { migrateNotify } from '../store/tables';
import { queueDeploys } from './events';

const ev = (dt: number, action: LifecycleAction, name: string, image: string): LifecycleEvent => ({
  kind: 'lifecycle',
  host: 'h1',
  ts: T0 + dt,
  action,
  container: { id: name, name, image, labels: {}, service: 'web' },
});

let store: StateStore;
beforeEach(() => {
  store = StateStore.open(':memory:');
  migrateNotify(store);
});
afterEach(() => store.close());

test('a deploy is queued once per receiver that takes change notices', () => {
  const opts = { windowMs: 600_000, receivers: ['pd', 'hook'] };
  expect(queueDeploys(store, [ev(0, 'start', 'web-1', 'shop/web:1')], opts, T0)).toBe(0);
  const found = queueDeploys(
    store,
    [ev(1000, 'die', 'web-1', 'shop/web:1'), ev(2000, 'start', 'web-2', 'shop/web:2')],
    opts,
    T0 + 2000,
  );
  expect(found).toBe(1);
  const rows = pendingRows(store);
  expect(rows.map((r) => [r.receiver, r.kind, r.group_id])).toEqual([
    ['pd', 'change', 'deploy:h1/web'],
    ['hook', 'change', 'deploy:h1/web'],
  ]);
  expect(JSON.parse(rows[0]!.payload)).toMatchObject({
    kind: 'deploy',
    receiver: 'pd',
    fromImage: 'shop/web:1',
    toImage: 'shop/web:2',
  });
});

test('what detection remembers survives between calls (and restarts): the store keeps it', () => {
  const opts = { windowMs: 600_000, receivers: ['pd'] };
  queueDeploys(store, [ev(0, 'start', 'web-1', 'shop/web:1')], opts, T0);
  queueDeploys(store, [ev(1000, 'die', 'web-1', 'shop/web:1')], opts, T0 + 1000);
  expect(queueDeploys(store, [ev(2000, 'start', 'web-2', 'shop/web:2')], opts, T0 + 2000)).toBe(1);
});

test('with no receiver for change notices, a deploy is counted and nothing is queued', () => {
  const opts = { windowMs: 600_000, receivers: [] };
  queueDeploys(store, [ev(0, 'start', 'web-1', 'shop/web:1')], opts, T0);
  const events = [ev(1000, 'die', 'web-1', 'shop/web:1'), ev(2000, 'start', 'web-2', 'shop/web:2')];
  expect(queueDeploys(store, events, opts, T0 + 2000)).toBe(1);
  expect(pendingRows(store)).toEqual([]);
});
