import { ManualClock } from '../../core/clock';
import { startHealthServer, type HealthServer } from '../../core/health/server';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import { makeNotification, T0 } from '../../test/notify/fixtures';
import { notifyConfigSchema } from './config';
import { notifyHealth, OUTBOX_BUDGET_MS } from './health';
import { createNotifier, type NotifierService } from './index';
import { enqueue } from './outbox';
import { migrateNotify } from './store/tables';

describe('notifyHealth', () => {
  let store: StateStore;
  beforeEach(() => {
    store = StateStore.open(':memory:');
    migrateNotify(store);
  });
  afterEach(() => store.close());

  test.each([
    ['nothing waiting, loop passing', true, undefined, true, undefined],
    ['loop stalled', false, undefined, false, /no dispatch pass completed in the last 30 s/],
    ['a notification waiting within budget', true, OUTBOX_BUDGET_MS - 1, true, undefined],
    [
      'a notification waiting past budget',
      true,
      OUTBOX_BUDGET_MS + 60_000,
      false,
      /waited 16 min.*a receiver is failing/,
    ],
  ])('%s', (_n, loopPassed, waitingMs, ok, detail) => {
    if (waitingMs !== undefined) enqueue(store, 'r', 'alerts', 'g1', makeNotification(), T0 - waitingMs);
    const h = notifyHealth(store, T0, { loopPassed, stallMs: 30_000 });
    expect(h.ok).toBe(ok);
    if (detail) expect(h.detail).toMatch(detail);
    else expect(h.detail).toBeUndefined();
  });
});

describe('/healthz answers 503 for the alerter', () => {
  let store: StateStore;
  let health: HealthServer;
  let notifier: NotifierService;
  const clock = new ManualClock(T0);
  beforeAll(async () => {
    store = StateStore.open(':memory:');
    // Port 1 on loopback: nothing listens, every delivery is refused at once.
    const config = notifyConfigSchema.parse({
      receivers: [{ name: 'hook', type: 'webhook', url: 'http://127.0.0.1:1/hook' }],
      api: { enabled: false },
      tick: '1s',
    });
    notifier = createNotifier({ store, logger: silentLogger(), clock, config });
    health = await startHealthServer({ host: '127.0.0.1', port: 0 }, silentLogger());
    health.addCheck('alerter', () => notifier.health());
  });
  afterAll(async () => {
    await health.close();
    await notifier.stop();
    store.close();
  });
  const healthz = async () => {
    const res = await fetch(`http://127.0.0.1:${health.address.port}/healthz`);
    return { status: res.status, body: (await res.json()) as { checks: { alerter: { detail?: string } } } };
  };

  test('healthy after a pass, 503 once the loop stalls, and while a receiver refuses past the budget', async () => {
    await notifier.tick();
    expect((await healthz()).status).toBe(200);
    clock.advance(31_000);
    const stalled = await healthz();
    expect(stalled.status).toBe(503);
    expect(stalled.body.checks.alerter.detail).toMatch(/no dispatch pass/);

    enqueue(store, 'hook', 'alerts', 'g1', makeNotification(), clock.now());
    await notifier.tick();
    expect((await healthz()).status).toBe(200);
    clock.advance(OUTBOX_BUDGET_MS + 1_000);
    await notifier.tick();
    const draining = await healthz();
    expect(draining.status).toBe(503);
    expect(draining.body.checks.alerter.detail).toMatch(/a receiver is failing/);
  });
});
