/**
 * Which replica of a fleet polls a Graphite rule: the owner of the state-topic partition the
 * rule's key maps to, the ownership the alert-state hand-off already keeps (alerter/kafka). The
 * rule's samples carry the same key as their route, so the rule's alert states are filed in
 * that partition too: when it moves, its states move with it and the new owner polls on from
 * them. Without a fleet every rule is this process's.
 */

/** The routing key of a Graphite rule: its partition decides who polls it and holds its states. */
export function graphiteRuleRoute(rule: string): string {
  return `graphite-rule:${rule}`;
}

/** Whether this process owns a routing key now; absent (no fleet): it owns every key. */
export type Owns = (routingKey: string) => boolean;

export const ownsAll: Owns = () => true;
