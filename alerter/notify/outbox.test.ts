import { ManualClock } from '../../core/clock';
import { PermanentDeliveryError, TransientDeliveryError } from '../../core/errors';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import { makeNotification, T0 } from '../../test/notify/fixtures';
import { explain } from './decisions';
import { deliverDue } from './lanes';
import { enqueue, failedRows, pendingRows, type Receiver } from './outbox';
import { migrateNotify } from './store/tables';
import type { DeliveryNote, Notification } from './types';

const POLICY = { initialMs: 1000, maxMs: 1000, factor: 1, maxAttempts: 3, jitter: 0 };
let store: StateStore;
let clock: ManualClock;
let sent: string[];
let answers: Array<Error | undefined>;
let notes: DeliveryNote[];

const receiver: Receiver = {
  notifier: {
    name: 'r',
    type: 'test',
    send: (n: Notification) => {
      const err = answers.shift();
      if (err) return Promise.reject(err);
      sent.push(`${n.groupKey}:${n.status}`);
      return Promise.resolve({ answer: 'ok' });
    },
  },
  retry: POLICY,
};

const queue = (group: string, status: 'firing' | 'resolved' = 'firing', to = 'r') =>
  enqueue(store, to, 'alerts', group, makeNotification({ groupKey: group, status }), clock.now());
const deliver = () =>
  deliverDue({
    store,
    receivers: new Map([['r', receiver]]),
    clock,
    logger: silentLogger(),
    signal: new AbortController().signal,
    onDelivered: (n) => notes.push(n),
  });

beforeEach(() => {
  store = StateStore.open(':memory:');
  migrateNotify(store);
  clock = new ManualClock(T0);
  sent = [];
  answers = [];
  notes = [];
});
afterEach(() => store.close());

test('an accepted row leaves the outbox, is logged as delivered and reported', async () => {
  queue('g1');
  await deliver();
  expect(sent).toEqual(['g1:firing']);
  expect(pendingRows(store)).toEqual([]);
  expect(notes).toHaveLength(1);
  const key = makeNotification().firing[0]!.key;
  expect(explain(store, key).map((d) => d.step)).toEqual(['delivered']);
});

test('a retriable failure waits out the backoff and holds back the rest of its group only', async () => {
  queue('g1');
  queue('g1', 'resolved');
  queue('g2');
  answers.push(new TransientDeliveryError('busy'));
  await deliver();
  expect(sent).toEqual(['g2:firing']);
  expect(pendingRows(store).map((r) => [r.group_id, r.attempts, r.next_at])).toEqual([
    ['g1', 1, T0 + 1000],
    ['g1', 0, T0],
  ]);
  await deliver();
  expect(sent).toEqual(['g2:firing']);
  clock.advance(1000);
  await deliver();
  expect(sent).toEqual(['g2:firing', 'g1:firing', 'g1:resolved']);
});

test('a permanent failure is kept as failed and never retried', async () => {
  queue('g1');
  answers.push(new PermanentDeliveryError('bad request'));
  await deliver();
  expect(pendingRows(store)).toEqual([]);
  expect(failedRows(store).map((r) => [r.attempts, r.last_error])).toEqual([[1, 'bad request']]);
});

test('retries stop at the policy maxAttempts', async () => {
  queue('g1');
  for (let i = 0; i < POLICY.maxAttempts; i++) {
    answers.push(new TransientDeliveryError('busy'));
    await deliver();
    clock.advance(1000);
  }
  expect(failedRows(store).map((r) => r.attempts)).toEqual([POLICY.maxAttempts]);
});

test('a row for a receiver no longer in the config fails for good at once', async () => {
  queue('g1', 'firing', 'gone');
  await deliver();
  expect(failedRows(store).map((r) => [r.attempts, r.last_error])).toEqual([
    [1, 'no receiver named gone in the config any more'],
  ]);
});
