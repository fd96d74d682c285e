import type { ContainerMeta } from '../../../core/events';
import type { Discovery } from './discovery';
import { metaFromAttributes } from './inspect';
import { matchesSelector, type LabelSelector } from './selector';
import type { ContainerDirectory, ContainerInfo, DiscoveryChange } from './types';

/** The label users set to `false` to opt a container out (the default `docker.exclude`). */
export const ENABLE_LABEL = 'lookout.enable';

/** Whether the collector watches a container: the one decision every container source consults. */
export type ContainerFilter = (meta: ContainerMeta) => boolean;

/** `docker.exclude` and `docker.include`, parsed. */
export interface FilterSettings {
  exclude: readonly LabelSelector[];
  include?: readonly LabelSelector[];
}

/**
 * Leaves out the collector's own container (a sidecar tailing its own stdout would print each
 * line again, escaped inside a new event, without end), any container whose labels match one
 * of the `exclude` selectors, and, when `include` is set, any that matches none of those:
 * exclude wins. Labels are fixed at create, so the answer never changes.
 */
export function containerFilter(settings: FilterSettings, ownId?: string): ContainerFilter {
  const { exclude, include } = settings;
  const any = (sels: readonly LabelSelector[], labels: Record<string, string>) =>
    sels.some((sel) => matchesSelector(sel, labels));
  return (meta) =>
    meta.id !== ownId && !any(exclude, meta.labels) && (include === undefined || any(include, meta.labels));
}

/** The directory the log, stats and heartbeat sources see: watched containers only. */
export function excludingContainers(dir: ContainerDirectory, watched: ContainerFilter): ContainerDirectory {
  const keep = (c: ContainerInfo) => watched(c.meta);
  return {
    get: (id) => {
      const c = dir.get(id);
      return c && keep(c) ? c : undefined;
    },
    list: () => dir.list().filter(keep),
    watch: (fn: (change: DiscoveryChange) => void) =>
      dir.watch((change) => {
        if (change.type !== 'removed' && !keep(change.container)) return;
        fn(change);
      }),
  };
}

/**
 * Discovery's container events, without those of containers left out. A container discovery
 * never inspected (removed before it could: `--rm`, a destroy) is judged by the labels its
 * event carries, which dockerd copies into the event's attributes.
 */
export function watchedEvents(
  discovery: Pick<Discovery, 'onContainerEvent'>,
  watched: ContainerFilter,
): Pick<Discovery, 'onContainerEvent'> {
  return {
    onContainerEvent: (fn) =>
      discovery.onContainerEvent((ev, info) =>
        watched(info?.meta ?? metaFromAttributes(ev.Actor.ID, ev.Actor.Attributes))
          ? fn(ev, info)
          : undefined,
      ),
  };
}
