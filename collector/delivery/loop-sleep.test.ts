import { getEventListeners } from 'node:events';
import { LoopSleep } from './loop-sleep';

const listeners = (s: AbortSignal) => getEventListeners(s, 'abort').length;

test('lingers that run their time out leave no listener on the runner signal', async () => {
  const ac = new AbortController();
  const pause = new LoopSleep(ac.signal, () => false);
  for (let i = 0; i < 30; i++) await pause.sleep(1);
  expect(listeners(ac.signal)).toBeLessThanOrEqual(1);
});

test('a linger ends on a wake only once stopping, and then leaves no listener', async () => {
  const ac = new AbortController();
  let stopping = false;
  const pause = new LoopSleep(ac.signal, () => stopping);
  for (let i = 0; i < 30; i++) {
    let ended = false;
    const linger = pause.sleep(3_600_000).then(() => (ended = true));
    pause.wake(); // not stopping: the linger waits its time out
    await Promise.resolve();
    expect(ended).toBe(false);
    stopping = true;
    pause.wake();
    await linger;
    stopping = false;
  }
  expect(listeners(ac.signal)).toBeLessThanOrEqual(1);
});

test('an abort cuts a linger short', async () => {
  const ac = new AbortController();
  const pause = new LoopSleep(ac.signal, () => false);
  const linger = pause.sleep(3_600_000);
  ac.abort();
  await linger; // an hour otherwise: jest's deadline would fail the test first
});

test('a sleep without a time ends on a wake', async () => {
  const ac = new AbortController();
  const pause = new LoopSleep(ac.signal, () => false);
  for (let i = 0; i < 30; i++) {
    const idle = pause.sleep();
    pause.wake();
    await idle;
  }
  expect(listeners(ac.signal)).toBe(0);
});
