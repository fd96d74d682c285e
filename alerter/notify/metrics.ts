import client from 'prom-client';

const reg = <T>(name: string, make: () => T): T =>
  (client.register.getSingleMetric(name) as T | undefined) ?? make();

export const notificationsQueued = reg(
  'lookout_notify_queued_total',
  () =>
    new client.Counter({
      name: 'lookout_notify_queued_total',
      help: 'notifications put in the outbox',
      labelNames: ['receiver', 'reason'],
    }),
);
export const deliveries = reg(
  'lookout_notify_deliveries_total',
  () =>
    new client.Counter({
      name: 'lookout_notify_deliveries_total',
      help: 'delivery attempts by result (ok, retry, rejected)',
      labelNames: ['receiver', 'result'],
    }),
);
export const muted = reg(
  'lookout_notify_muted_total',
  () =>
    new client.Counter({
      name: 'lookout_notify_muted_total',
      help: 'alerts muted, by cause',
      labelNames: ['cause'],
    }),
);
export const outboxDepth = reg(
  'lookout_notify_outbox_depth',
  () =>
    new client.Gauge({ name: 'lookout_notify_outbox_depth', help: 'notifications waiting in the outbox' }),
);
export const oldestPendingSeconds = reg(
  'lookout_notify_outbox_oldest_seconds',
  () =>
    new client.Gauge({
      name: 'lookout_notify_outbox_oldest_seconds',
      help: 'age of the oldest notification not yet accepted',
    }),
);
export const watchdogPings = reg(
  'lookout_notify_watchdog_pings_total',
  () =>
    new client.Counter({
      name: 'lookout_notify_watchdog_pings_total',
      help: 'watchdog calls by result',
      labelNames: ['result'],
    }),
);
export const deploysSeen = reg(
  'lookout_notify_deploys_total',
  () =>
    new client.Counter({
      name: 'lookout_notify_deploys_total',
      help: 'deploys detected from lifecycle events',
    }),
);
