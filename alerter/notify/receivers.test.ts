import { ManualClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import { notifyConfigSchema } from './config';
import { GRAPHITE_EVENTS_RECEIVER, graphiteEventsKind } from './deploys/graphite-events';
import { buildReceivers, changeReceivers } from './receivers';
import { NOTIFIER_KINDS } from './registry';

const deps = { logger: silentLogger(), clock: new ManualClock() };
const build = (cfg: object) => {
  const config = notifyConfigSchema.parse(cfg);
  const receivers = buildReceivers(config, deps);
  return { receivers, changes: changeReceivers(config, receivers) };
};
const hook = (name: string) => ({ name, type: 'webhook', url: `http://127.0.0.1:9/${name}` });

test('with no receiver listed, notify logs to the console', () => {
  const { receivers } = build({});
  expect([...receivers.keys()]).toEqual(['console']);
  expect(receivers.get('console')!.retry).toBe(NOTIFIER_KINDS.get('console')!.retry);
});

test('each listed receiver is made by its kind, with the kind retry policy', () => {
  const { receivers } = build({ receivers: [hook('a'), { name: 'c', type: 'console' }] });
  expect([...receivers].map(([n, r]) => [n, r.notifier.type])).toEqual([
    ['a', 'webhook'],
    ['c', 'console'],
  ]);
  expect(receivers.get('a')!.retry).toBe(NOTIFIER_KINDS.get('webhook')!.retry);
});

test.each([
  ['links.graphite_url', { links: { graphite_url: 'http://gw.example' } }, true],
  ['deploys.graphite_url', { deploys: { graphite_url: 'http://gw.example' } }, true],
  ['no graphite-web URL', {}, false],
  ['deploys off', { deploys: { enabled: false }, links: { graphite_url: 'http://gw.example' } }, false],
])('deploy markers with %s: %s', (_what, cfg, present) => {
  const { receivers } = build(cfg);
  const markers = receivers.get(GRAPHITE_EVENTS_RECEIVER);
  expect(Boolean(markers)).toBe(present);
  if (markers) {
    expect(markers.notifier.type).toBe('graphite-events');
    expect(markers.retry).toBe(graphiteEventsKind.retry);
  }
});

test('deploys go to every receiver that takes them, or to those named, and always to the markers', () => {
  const links = { graphite_url: 'http://gw.example' };
  const all = build({ receivers: [hook('a'), hook('b')], links });
  expect(all.changes).toEqual(['a', 'b', GRAPHITE_EVENTS_RECEIVER]);
  const named = build({ receivers: [hook('a'), hook('b')], links, deploys: { receivers: ['b'] } });
  expect(named.changes).toEqual(['b', GRAPHITE_EVENTS_RECEIVER]);
});
