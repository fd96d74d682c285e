import { ManualClock } from '../../../core/clock';
import { dockerEngineCheck, ENGINE_DOWN_BUDGET_MS } from './health';

test('the engine down: healthy within the budget, unhealthy past it, healthy again once reconnected', () => {
  const clock = new ManualClock(1_700_000_000_000);
  let connected = true;
  const check = dockerEngineCheck(
    () => connected,
    () => clock.now(),
    'unix:///var/run/docker.sock',
  );
  expect(check()).toEqual({ ok: true });
  connected = false;
  expect(check().ok).toBe(true); // the first look starts the clock
  clock.advance(ENGINE_DOWN_BUDGET_MS);
  expect(check().ok).toBe(true);
  clock.advance(1_000);
  expect(check()).toEqual({
    ok: false,
    detail: 'events stream to unix:///var/run/docker.sock down for 31 s; reconnecting',
  });
  connected = true;
  expect(check()).toEqual({ ok: true });
  connected = false;
  clock.advance(ENGINE_DOWN_BUDGET_MS * 10);
  expect(check().ok).toBe(true); // a new outage starts its own clock
});
