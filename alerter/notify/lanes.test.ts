import { ManualClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import { captureLogger, makeAlert, makeNotification, T0 } from '../../test/notify/fixtures';
import { explain } from './decisions';
import { DeliveryLanes } from './lanes';
import { enqueue, pendingRows, type Receiver } from './outbox';
import { migrateNotify } from './store/tables';
import type { Notification, Notifier } from './types';

const POLICY = { initialMs: 1000, maxMs: 8000, factor: 2, maxAttempts: 5, jitter: 0 };
let store: StateStore;
let clock: ManualClock;
let stop: AbortController;

/** A notifier whose sends wait until the test lets them go (or their signal aborts). */
function held(name: string) {
  const started: string[] = [];
  const gates: Array<() => void> = [];
  let onStart: (() => void) | undefined;
  const notifier: Notifier = {
    name,
    type: 'test',
    send: (n: Notification, signal: AbortSignal) => {
      started.push(n.groupKey);
      onStart?.();
      return new Promise((resolve, reject) => {
        gates.push(() => resolve({ answer: 'ok' }));
        signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
      });
    },
  };
  return {
    notifier,
    started,
    /** Resolves once `count` sends have started. */
    startedCount: (count: number) =>
      new Promise<void>((resolve) => {
        onStart = () => started.length >= count && resolve();
        onStart();
      }),
    releaseOne: () => gates.shift()?.(),
  };
}

/** A notifier that answers at once and tells who waits on it. */
function prompt(name: string) {
  const got: string[] = [];
  let waiter: (() => void) | undefined;
  const notifier: Notifier = {
    name,
    type: 'test',
    send: (n) => (got.push(n.groupKey), waiter?.(), Promise.resolve({ answer: 'ok' })),
  };
  const delivered = (count: number) =>
    new Promise<void>((resolve) => {
      waiter = () => got.length >= count && resolve();
      waiter();
    });
  return { notifier, got, delivered };
}

function lanes(receivers: Record<string, Receiver>, logger = silentLogger()) {
  return new DeliveryLanes({
    store,
    receivers: new Map(Object.entries(receivers)),
    clock,
    logger,
    signal: stop.signal,
  });
}

const queue = (to: string, group: string, status: 'firing' | 'resolved' = 'firing') =>
  enqueue(store, to, 'alerts', group, makeNotification({ groupKey: group, status }), clock.now());

beforeEach(() => {
  store = StateStore.open(':memory:');
  migrateNotify(store);
  clock = new ManualClock(T0);
  stop = new AbortController();
});
afterEach(() => {
  stop.abort();
  if (store.db.open) store.close();
});

test('a receiver that hangs holds back no later notification to another receiver', async () => {
  const slow = held('slow');
  const pd = prompt('pd');
  const l = lanes({
    slow: { notifier: slow.notifier, retry: POLICY },
    pd: { notifier: pd.notifier, retry: POLICY },
  });
  queue('slow', 'scale');
  l.kick();
  await slow.startedCount(1);
  // Later input: the hanging send is still open while the page goes out.
  queue('pd', 'page');
  l.kick();
  await pd.delivered(1);
  expect(pd.got).toEqual(['page']);
  expect(l.inFlight('slow')).toBe(1);
  expect(slow.started).toEqual(['scale']);
  slow.releaseOne();
  await l.idle();
  expect(pendingRows(store)).toEqual([]);
});

test('each receiver has its own in-flight bound; a freed slot takes the next group', async () => {
  const slow = held('slow');
  const l = lanes({ slow: { notifier: slow.notifier, retry: POLICY, inFlight: 2 } });
  for (const g of ['g1', 'g2', 'g3', 'g4']) queue('slow', g);
  l.kick();
  await slow.startedCount(2);
  l.kick();
  expect(slow.started).toEqual(['g1', 'g2']);
  slow.releaseOne();
  await slow.startedCount(3);
  expect(slow.started).toEqual(['g1', 'g2', 'g3']);
  expect(l.inFlight('slow')).toBe(2);
  slow.releaseOne();
  await slow.startedCount(4);
  slow.releaseOne();
  slow.releaseOne();
  await l.idle();
  expect(slow.started).toEqual(['g1', 'g2', 'g3', 'g4']);
});

test("a group's rows leave one at a time and in order, while other groups go on", async () => {
  const slow = held('slow');
  const l = lanes({ slow: { notifier: slow.notifier, retry: POLICY } });
  queue('slow', 'g1');
  queue('slow', 'g1', 'resolved');
  queue('slow', 'g2');
  l.kick();
  await slow.startedCount(2);
  expect(slow.started).toEqual(['g1', 'g2']);
  slow.releaseOne();
  await slow.startedCount(3);
  expect(slow.started).toEqual(['g1', 'g2', 'g1']);
  slow.releaseOne();
  slow.releaseOne();
  await l.idle();
  expect(pendingRows(store)).toEqual([]);
});

test('a notifier that ignores its signal is given up at the hard deadline and retried with backoff', async () => {
  const deaf: Notifier = { name: 'deaf', type: 'test', send: () => new Promise(() => undefined) };
  const l = lanes({ deaf: { notifier: deaf, retry: POLICY, deadlineMs: 50 } });
  queue('deaf', 'g1');
  l.kick();
  await l.idle();
  const key = makeAlert().key;
  const [d] = explain(store, key);
  expect(d).toMatchObject({
    step: 'retrying',
    detail: { receiver: 'deaf', attempt: 1, retry_in_ms: 1000, error: 'deaf gave no answer within 50 ms' },
  });
  expect(pendingRows(store).map((r) => [r.attempts, r.next_at])).toEqual([[1, T0 + 1000]]);
  // Not due before its backoff: a kick starts nothing.
  l.kick();
  expect(l.inFlight('deaf')).toBe(0);
});

test('stopping aborts the sends in flight, which stay in the outbox for the next start', async () => {
  const slow = held('slow');
  const l = lanes({ slow: { notifier: slow.notifier, retry: POLICY } });
  queue('slow', 'g1');
  l.kick();
  await slow.startedCount(1);
  stop.abort();
  await l.idle();
  expect(pendingRows(store)).toHaveLength(1);
  l.kick();
  expect(l.inFlight('slow')).toBe(0);
});

test('a lane that ends when the store is gone logs it; nothing is left unhandled', async () => {
  const slow = held('slow');
  const logs = captureLogger();
  const l = lanes({ slow: { notifier: slow.notifier, retry: POLICY } }, logs.logger);
  queue('slow', 'g1');
  l.kick();
  await slow.startedCount(1);
  store.close();
  slow.releaseOne();
  await l.idle();
  expect(logs.text()).toContain('delivery lane failed');
  expect(logs.text()).toContain('cannot read the outbox; the next pass tries again');
});
