/** The bus partition key of an event or a group: where a fleet's alerter files the group's state. */
import type { LookoutEvent } from '../../core/events';

/** The partition key of an event, as core/bus/kafka's eventKey (kept here: the engine loads no Kafka client). */
export function eventRoute(ev: LookoutEvent): string {
  if (ev.kind === 'heartbeat') return ev.host;
  if (ev.kind === 'metric' && ev.route) return ev.route;
  return ev.container?.service || ev.host;
}

/** For groups no event created (restored, seeded): their service label, else host. */
export function labelRoute(labels: Record<string, string>): string {
  return labels.service || labels.host || '';
}
