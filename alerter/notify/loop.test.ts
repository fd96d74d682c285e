import { getEventListeners } from 'node:events';
import { ManualClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import { makeNotification, T0 } from '../../test/notify/fixtures';
import { defaultNotifyConfig } from './config';
import { dispatchContext } from './dispatch';
import { NotifyLoop } from './loop';
import { enqueue, pendingRows, type Receiver } from './outbox';
import { migrateNotify } from './store/tables';
import type { Notification } from './types';

let store: StateStore;
let clock: ManualClock;
let got: Notification[];

function loop(tick = 60_000): NotifyLoop {
  const receivers = new Map<string, Receiver>([
    [
      'r',
      {
        notifier: {
          name: 'r',
          type: 'test',
          send: (n) => (got.push(n), Promise.resolve({ answer: 'ok' })),
        },
        retry: { initialMs: 10, maxMs: 10, factor: 1, maxAttempts: 2, jitter: 0 },
      },
    ],
  ]);
  const ctx = dispatchContext(store, defaultNotifyConfig());
  return new NotifyLoop({ store, ctx, receivers, clock, logger: silentLogger(), tick });
}

const queue = () => enqueue(store, 'r', 'alerts', 'g1', makeNotification(), clock.now());

async function until(what: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeEach(() => {
  store = StateStore.open(':memory:');
  migrateNotify(store);
  clock = new ManualClock(T0);
  got = [];
});
afterEach(() => store.close());

test('a pass delivers what is due and empties the outbox', async () => {
  const l = loop();
  queue();
  await l.pass();
  expect(got).toHaveLength(1);
  expect(pendingRows(store)).toEqual([]);
});

test('healthy means a pass completed within the window, on the injected clock', async () => {
  const l = loop();
  expect(l.passedWithin(30_000)).toBe(false);
  await l.pass();
  expect(l.passedWithin(30_000)).toBe(true);
  clock.advance(30_000);
  expect(l.passedWithin(30_000)).toBe(false);
});

test('wake() cuts the pause short: new input is delivered before the next tick', async () => {
  const l = loop(60_000);
  l.start();
  await until(() => l.passedWithin(1));
  queue();
  l.wake();
  await until(() => got.length === 1);
  await l.stop();
  expect(l.signal.aborted).toBe(true);
});

test('a signal already aborted stops the loop before its first pass', async () => {
  const l = loop();
  l.stopWith(AbortSignal.abort());
  queue();
  l.start();
  await l.stop();
  expect(got).toEqual([]);
});

test('aborting the signal it follows stops it like stop()', async () => {
  const l = loop();
  const ac = new AbortController();
  l.stopWith(ac.signal);
  l.start();
  ac.abort();
  await l.stop();
  expect(l.signal.aborted).toBe(true);
});

test('pauses cut short by wake() leave no abort listener behind on the loop signal', async () => {
  const l = loop(60_000);
  l.start();
  try {
    for (let i = 1; i <= 30; i++) {
      queue();
      l.wake();
      await until(() => got.length === i);
    }
    // One pause under way at most; the sends (lanes) take theirs off as they end.
    expect(getEventListeners(l.signal, 'abort').length).toBeLessThanOrEqual(1);
  } finally {
    await l.stop();
  }
});
