/**
 * The receivers notify delivers to, each made by its kind from the registry: the ones the config
 * lists (the console when it lists none), plus graphite-web's deploy markers when deploys are on
 * and a graphite-web URL is known.
 */
import type { z } from 'zod';
import type { NotifyConfig, ReceiverConfig } from './config';
import { GRAPHITE_EVENTS_RECEIVER, graphiteEventsSchema } from './deploys/graphite-events';
import type { Receiver } from './outbox';
import { NOTIFIER_KINDS } from './registry';
import type { NotifierDeps } from './types';
import { withUrlSecretsScrubbed } from './url-secrets';

/** The receiver configs to build: what the user listed and what the deploys section implies. */
export function receiverConfigs(
  config: NotifyConfig,
): Array<ReceiverConfig | z.output<typeof graphiteEventsSchema>> {
  const listed: ReceiverConfig[] =
    config.receivers.length > 0
      ? config.receivers
      : [{ name: 'console', type: 'console', format: 'summary' }];
  const graphite = config.deploys.graphite_url ?? config.links.graphite_url;
  if (!config.deploys.enabled || !graphite) return listed;
  const markers = graphiteEventsSchema.parse({
    name: GRAPHITE_EVENTS_RECEIVER,
    type: 'graphite-events',
    url: graphite,
  });
  return [...listed, markers];
}

export function buildReceivers(config: NotifyConfig, deps: NotifierDeps): Map<string, Receiver> {
  const receivers = new Map<string, Receiver>();
  for (const rc of receiverConfigs(config)) {
    const kind = NOTIFIER_KINDS.get(rc.type);
    // The config's union admits only registered kinds; this is a programmer error.
    if (!kind) throw new Error(`no notifier kind "${rc.type}" is registered`);
    receivers.set(rc.name, {
      notifier: withUrlSecretsScrubbed(kind.create(rc, deps), rc),
      retry: kind.retry,
      deadlineMs: sendDeadline(rc),
    });
  }
  return receivers;
}

/**
 * The outbox's backstop for one send, from the receiver's own `timeout`: three times it, as a
 * coordinator may make one call per service in one notification, and the notifier's own timeout
 * (with its clearer message) should be what normally ends a hang. Absent: the outbox default.
 */
function sendDeadline(rc: object): number | undefined {
  const timeout = (rc as { timeout?: unknown }).timeout;
  return typeof timeout === 'number' ? 3 * timeout : undefined;
}

/**
 * The receivers a deploy is sent to: every one that takes change events, or those
 * `deploys.receivers` names; the deploy markers always (they are what the dashboards read).
 */
export function changeReceivers(config: NotifyConfig, receivers: Map<string, Receiver>): string[] {
  const wanted = config.deploys.receivers;
  return [...receivers.entries()]
    .filter(
      ([name, r]) =>
        r.notifier.sendChange && (name === GRAPHITE_EVENTS_RECEIVER || !wanted || wanted.includes(name)),
    )
    .map(([name]) => name);
}
