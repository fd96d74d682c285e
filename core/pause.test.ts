import { getEventListeners } from 'node:events';
import { pause } from './pause';

const listeners = (s: AbortSignal) => getEventListeners(s, 'abort').length;

test('pauses ended by their timer leave no listener on the signal', async () => {
  const ac = new AbortController();
  for (let i = 0; i < 30; i++) await pause(1, ac.signal).ended;
  expect(listeners(ac.signal)).toBe(0);
});

test('pauses ended by wake() leave no listener on the signal', async () => {
  const ac = new AbortController();
  for (let i = 0; i < 30; i++) {
    const p = pause(3_600_000, ac.signal);
    p.wake();
    await p.ended;
  }
  expect(listeners(ac.signal)).toBe(0);
});

test('an abort ends a pause under way', async () => {
  const ac = new AbortController();
  const p = pause(3_600_000, ac.signal);
  ac.abort();
  await p.ended; // an hour otherwise: jest's deadline would fail the test first
  expect(listeners(ac.signal)).toBe(0);
});

test('a signal already aborted ends the pause at once, adding no listener', async () => {
  const signal = AbortSignal.abort();
  await pause(3_600_000, signal).ended;
  expect(listeners(signal)).toBe(0);
});
