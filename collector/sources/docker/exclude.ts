import type { ContainerDirectory, ContainerInfo, DiscoveryChange } from './types';

/** A container opts out of log and stats collection with this label set to `false`. */
export const ENABLE_LABEL = 'lookout.enable';

/**
 * The directory the log and stats sources see, without the containers they must not read:
 * the collector's own container (a sidecar tailing its own stdout would print each line again,
 * escaped inside a new event, without end) and any labelled `lookout.enable=false`.
 * Lifecycle events still cover every container.
 */
export function excludingContainers(dir: ContainerDirectory, ownId: string | undefined): ContainerDirectory {
  const skip = (c: ContainerInfo) => c.meta.id === ownId || c.meta.labels[ENABLE_LABEL] === 'false';
  return {
    get: (id) => {
      const c = dir.get(id);
      return c && !skip(c) ? c : undefined;
    },
    list: () => dir.list().filter((c) => !skip(c)),
    watch: (fn: (change: DiscoveryChange) => void) =>
      dir.watch((change) => {
        if (change.type !== 'removed' && skip(change.container)) return;
        fn(change);
      }),
  };
}
