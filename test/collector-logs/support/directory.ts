import type {
  ContainerDirectory,
  ContainerInfo,
  DiscoveryChange,
} from '../../../collector/sources/docker/types';

/** A ContainerDirectory tests fill by hand (from `docker inspect`, or fake entries for fixture files). */
export class StaticDirectory implements ContainerDirectory {
  private readonly items = new Map<string, ContainerInfo>();
  private readonly watchers = new Set<(c: DiscoveryChange) => void>();

  get(id: string): ContainerInfo | undefined {
    return this.items.get(id);
  }

  list(): ContainerInfo[] {
    return [...this.items.values()];
  }

  watch(fn: (change: DiscoveryChange) => void): () => void {
    this.watchers.add(fn);
    for (const c of this.items.values()) fn({ type: 'added', container: c });
    return () => this.watchers.delete(fn);
  }

  add(c: ContainerInfo): void {
    const type = this.items.has(c.meta.id) ? 'updated' : 'added';
    this.items.set(c.meta.id, c);
    for (const w of this.watchers) w({ type, container: c });
  }

  remove(id: string): void {
    this.items.delete(id);
    for (const w of this.watchers) w({ type: 'removed', id });
  }
}

/** A directory entry for a plain file, as if a json-file container wrote it. */
export function fileContainer(
  id: string,
  logPath: string,
  labels: Record<string, string> = {},
  name = `fixture-${id.slice(0, 6)}`,
): ContainerInfo {
  return {
    meta: { id, name, image: 'fixture:latest', labels, service: name },
    logPath,
    logDriver: 'json-file',
    pid: 0,
    running: true,
  };
}
