/**
 * A deploy seen in lifecycle events reaches PagerDuty as a change event and graphite-web as
 * an event the dashboards' deploy annotation reads (tags: deploy, service, host).
 */
import { createNotifier } from '../../alerter/notify';
import { notifyConfigSchema } from '../../alerter/notify/config';
import type { LifecycleAction, LifecycleEvent } from '../../core/events';
import { systemClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import { waitFor } from '../support/docker';
import { makeLoopbackCert } from '../support/pagerduty-cert';
import { startPagerDutyStandin } from '../support/pagerduty-standin';

const GRAPHITE = process.env.GRAPHITE_URL ?? 'http://127.0.0.1:8080';

test('a replaced service becomes a PagerDuty change event and a Graphite deploy event', async () => {
  const service = `svc${process.pid}x${Date.now().toString(36)}`;
  const now = Date.now();
  const ev = (dt: number, action: LifecycleAction, name: string, image: string): LifecycleEvent => ({
    kind: 'lifecycle',
    host: 'deployhost',
    ts: now + dt,
    action,
    container: { id: name, name, image, labels: {}, service },
  });
  const cert = makeLoopbackCert();
  const pd = await startPagerDutyStandin(cert);
  process.env.T_DEPLOY_PD_KEY = 'deploy-routing-key';
  const store = StateStore.open(':memory:');
  const n = createNotifier({
    store,
    logger: silentLogger(),
    clock: systemClock,
    config: notifyConfigSchema.parse({
      receivers: [
        {
          name: 'pd',
          type: 'pagerduty',
          routing_key: { env: 'T_DEPLOY_PD_KEY' },
          events_host: pd.server,
          ca_file: cert.certFile,
        },
      ],
      api: { enabled: false },
      links: { graphite_url: GRAPHITE },
    }),
  });
  try {
    await n.handleLifecycle([ev(-60_000, 'start', `${service}-1`, 'shop/web:1.4')]);
    await n.handleLifecycle([
      ev(-2000, 'die', `${service}-1`, 'shop/web:1.4'),
      ev(-1000, 'start', `${service}-1b`, 'shop/web:1.5'),
    ]);
    await n.tick();
    const changes = pd.accepted.filter((e) => e.path === '/v2/change/enqueue');
    expect(changes).toHaveLength(1);
    expect(changes[0]!.body.payload).toMatchObject({
      source: 'deployhost',
      custom_details: { service, from_image: 'shop/web:1.4', to_image: 'shop/web:1.5' },
    });
    const events = await waitFor('the Graphite deploy event', async () => {
      const r = await fetch(`${GRAPHITE}/events/get_data?tags=deploy%20${service}&from=-1h`);
      const j = (await r.json()) as Array<{ what: string; tags: string[]; when: number }>;
      return j.length > 0 ? j : undefined;
    });
    expect(events).toHaveLength(1);
    expect(events[0]!.tags).toEqual(expect.arrayContaining(['deploy', service, 'deployhost']));
    expect(events[0]!.when).toBe(Math.floor((now - 1000) / 1000));
  } finally {
    await n.stop();
    store.close();
    await pd.close();
  }
});
