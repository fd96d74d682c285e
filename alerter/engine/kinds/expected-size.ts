/**
 * `absence` of a service with `expected_from: label`: the pool's expected size comes from the
 * deployment, a label on each of the service's containers, instead of a number in the rule. The
 * rule's `min_running` stays the fallback: no container carries the label, or it is not a
 * positive integer (said in the alert's detail, which `lookout explain` shows).
 */
import type { ContainerMeta } from '../../../core/events';

/** Beside `lookout.service` and `lookout.enable`: how many containers of the service should run. */
export const REPLICAS_LABEL = 'lookout.replicas';

/** What one host's running containers of a group say about the pool's size. */
export interface HostWant {
  /** The highest valid label value among them. */
  want?: number;
  /** The first bad label among them, in words naming the container and the label. */
  bad?: string;
}

/** Folds one container's label into its host's answer. */
export function readWant(acc: HostWant, c: ContainerMeta): void {
  const raw = c.labels[REPLICAS_LABEL];
  if (raw === undefined) return;
  const n = /^[1-9][0-9]{0,8}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (Number.isInteger(n)) acc.want = Math.max(acc.want ?? 0, n);
  else
    acc.bad ??= `container ${c.name}: label ${REPLICAS_LABEL}=${JSON.stringify(raw)} is not a positive integer`;
}

/** The labelled part of a group's state, summed over the hosts whose heartbeat is fresh. */
export interface LabelledSize {
  /** The size the labels ask for; kept while the service runs nothing (nothing to read it from). */
  wanted?: number;
  bad?: string;
}

/**
 * Replicas that disagree count at the highest: a deploy that changes the size rolls through
 * the pool, and while it does, paging for a short pool against the larger size errs towards
 * the page, where trusting the smaller could hide a real loss until the rollout ends.
 */
export function combineWants(hosts: Iterable<HostWant>, running: number, before: LabelledSize): LabelledSize {
  let wanted: number | undefined;
  let bad: string | undefined;
  for (const h of hosts) {
    if (h.want !== undefined) wanted = Math.max(wanted ?? 0, h.want);
    bad ??= h.bad;
  }
  // A service with no container left has no label to read: its last size still holds.
  if (wanted === undefined && running === 0) wanted = before.wanted;
  return { wanted, bad };
}

/** The size to judge against, and where it came from, for the detail line. */
export function expectedSize(s: LabelledSize, fallback: number): { size: number; why: string } {
  if (s.wanted !== undefined)
    return { size: s.wanted, why: `label ${REPLICAS_LABEL}${s.bad ? ` (ignored: ${s.bad})` : ''}` };
  const why = s.bad
    ? `${s.bad}; the rule's min_running is used`
    : `no container carries ${REPLICAS_LABEL}; the rule's min_running is used`;
  return { size: fallback, why };
}
