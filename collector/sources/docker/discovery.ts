import { DockerUnavailableError } from '../../../core/errors';
import type { Logger } from '../../../core/logger';
import { backoffDelay, type RetryPolicy } from '../../../core/retry';
import { sleep } from '../../../core/clock';
import type { DockerClient } from './client';
import { unavailable } from './client';
import { detectCgroupMode, resolveCgroupPath, type CgroupMode } from './cgroup-path';
import { baseAction, isExecNoise, readEvents, type DockerEvent } from './events';
import { infoFromInspect, type InspectData } from './inspect';
import { dockerMetrics } from './metrics';
import type { ContainerDirectory, ContainerInfo, DiscoveryChange } from './types';

export interface DiscoveryDeps {
  logger: Logger;
  /** Where the host's /proc and /sys/fs/cgroup are visible (`host_root`). */
  hostRoot?: string;
  reconnect?: Partial<Pick<RetryPolicy, 'initialMs' | 'maxMs'>>;
  random?: () => number;
}

/**
 * A container event as read, with what discovery knew of the container once it handled it.
 * Discovery awaits the returned promise before reading the next event (backpressure).
 */
export type ContainerEventListener = (
  event: DockerEvent,
  info: ContainerInfo | undefined,
) => void | Promise<void>;

/** Actions after which inspect tells something new (state, pid, health, name, limits). */
const REINSPECT = new Set([
  'create',
  'start',
  'die',
  'restart',
  'pause',
  'unpause',
  'health_status',
  'rename',
  'update',
]);
const INSPECT_CONCURRENCY = 8;
/** dockerd keeps 256 events for `since`; remembering more than that is enough to dedupe a replay. */
const RECENT_EVENTS = 1024;

/**
 * The metadata cache of every container on the host, kept current from one `/events`
 * connection. The same connection feeds the lifecycle source (`onContainerEvent`), so the
 * engine serves one events subscriber per collector.
 *
 *   start ─► open /events ─► list + inspect all (diff the cache) ─► handle events one by one
 *              ▲                                                         │ stream ends / fails
 *              └──────────── backoff with jitter ◄───────────────────────┘
 *
 * The stream is opened before listing so that nothing that happens during the list is lost:
 * the response is not read until the list is done, and waits in the socket buffer meanwhile.
 */
export class Discovery implements ContainerDirectory {
  private readonly cache = new Map<string, ContainerInfo>();
  private readonly watchers = new Set<(c: DiscoveryChange) => void>();
  private readonly listeners = new Set<ContainerEventListener>();
  private readonly log: Logger;
  private readonly hostRoot: string;
  private readonly policy: RetryPolicy;
  private mode: CgroupMode | undefined;
  private controller?: AbortController;
  private loop?: Promise<void>;
  /** Last event seen, to ask for what was missed (`since`) after a short disconnect. */
  private lastTimeNano = 0;
  /**
   * Recently handled events, to drop the ones `since` replays after a reconnect. Exact keys, not
   * a time cut-off: dockerd stamps events in several goroutines, so the stream is not strictly
   * ordered by time and an older stamp can arrive after a newer one.
   */
  private readonly recent = new Set<string>();
  private isConnected = false;

  constructor(
    private readonly client: DockerClient,
    private readonly deps: DiscoveryDeps,
  ) {
    this.log = deps.logger.child({ component: 'discovery' });
    this.hostRoot = deps.hostRoot ?? '/';
    this.policy = { factor: 2, maxAttempts: Infinity, jitter: 0.5, ...client.reconnect, ...deps.reconnect };
  }

  /** True while the events stream is open and the cache current (for /healthz). */
  connected(): boolean {
    return this.isConnected;
  }

  get(id: string): ContainerInfo | undefined {
    return this.cache.get(id);
  }

  list(): ContainerInfo[] {
    return [...this.cache.values()];
  }

  watch(fn: (change: DiscoveryChange) => void): () => void {
    for (const c of this.cache.values()) fn({ type: 'added', container: c });
    this.watchers.add(fn);
    return () => this.watchers.delete(fn);
  }

  /** Raw container events (exec noise included), each after the cache has taken it in. */
  onContainerEvent(fn: ContainerEventListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Connects, fills the cache and keeps following. Resolves once the cache is filled; rejects
   * with DockerUnavailableError when the first connection fails (the CLI exits 2 on it).
   */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.loop) throw new Error('discovery already started');
    this.controller = new AbortController();
    const ctl = this.controller;
    if (signal?.aborted) ctl.abort(signal.reason);
    else signal?.addEventListener('abort', () => ctl.abort(signal.reason), { once: true });
    this.mode = detectCgroupMode(this.hostRoot);
    let ready!: () => void;
    let failed!: (err: unknown) => void;
    const first = new Promise<void>((res, rej) => ((ready = res), (failed = rej)));
    this.loop = this.follow(ctl.signal, ready, failed);
    return first;
  }

  async stop(): Promise<void> {
    this.controller?.abort();
    await this.loop;
    this.loop = undefined;
  }

  private async follow(
    signal: AbortSignal,
    ready: () => void,
    failed: (err: unknown) => void,
  ): Promise<void> {
    let synced = false;
    for (let attempt = 0; !signal.aborted;) {
      try {
        await this.session(signal, () => {
          attempt = 0;
          if (!synced) {
            synced = true;
            ready();
          }
        });
        if (signal.aborted) break;
        this.log.warn('docker events stream ended; reconnecting');
      } catch (err) {
        if (signal.aborted) break;
        const e = unavailable(this.client.endpoint, err);
        if (!synced) {
          failed(e);
          return;
        }
        dockerMetrics.errors.inc({ op: 'events' });
        this.log.warn({ err: e.message, attempt }, 'lost the Docker engine; reconnecting');
      }
      dockerMetrics.connected.set(0);
      dockerMetrics.reconnects.inc();
      try {
        await sleep(backoffDelay(this.policy, attempt++, this.deps.random), signal);
      } catch {
        break;
      }
    }
    dockerMetrics.connected.set(0);
    if (!synced) failed(new DockerUnavailableError('discovery stopped before it connected'));
  }

  /** One connection: open the stream, re-list, then handle events until the stream ends. */
  private async session(signal: AbortSignal, onSynced: () => void): Promise<void> {
    const query: Record<string, unknown> = { filters: { type: ['container'] } };
    // Ask for what happened while we were away (dockerd keeps recent events in memory).
    if (this.lastTimeNano > 0) query.since = (this.lastTimeNano / 1e9).toFixed(9);
    const stream = await this.client.events(query, signal);
    try {
      await this.resync(signal);
      dockerMetrics.connected.set(1);
      this.isConnected = true;
      onSynced();
      const events = readEvents(stream as AsyncIterable<Buffer>, (line) =>
        this.log.warn({ line: line.slice(0, 200) }, 'unreadable docker event skipped'),
      );
      for await (const ev of events) {
        const key = `${ev.timeNano} ${ev.Actor.ID} ${ev.Action}`;
        if (this.recent.has(key)) continue;
        await this.handle(ev, signal);
        // Only once handled: an event whose inspect failed is asked for again after the reconnect.
        this.remember(key, ev.timeNano);
      }
    } finally {
      this.isConnected = false;
      stream.destroy();
    }
  }

  private remember(key: string, timeNano: number): void {
    this.recent.add(key);
    if (this.recent.size > RECENT_EVENTS) this.recent.delete(this.recent.values().next().value!);
    if (timeNano > this.lastTimeNano) this.lastTimeNano = timeNano;
  }

  private async handle(ev: DockerEvent, signal: AbortSignal): Promise<void> {
    if (ev.Type && ev.Type !== 'container') return;
    const id = ev.Actor.ID;
    const action = baseAction(ev.Action);
    if (!isExecNoise(action)) dockerMetrics.events.inc({ action });
    let info = this.cache.get(id);
    if (action === 'destroy') {
      if (info) this.remove(id);
    } else if (REINSPECT.has(action) || (!info && !isExecNoise(action))) {
      info = (await this.inspect(id, signal)) ?? info;
      if (info) this.upsert(info);
    }
    for (const fn of this.listeners) {
      try {
        await fn(ev, info);
      } catch (err) {
        this.log.error({ err }, 'container event listener failed');
      }
    }
  }

  /** Lists every container, inspects each, and emits the difference from the cache. */
  private async resync(signal: AbortSignal): Promise<void> {
    const listed = await this.client.listContainers(signal);
    const ids = listed.map((c) => c.Id);
    const seen = new Set(ids);
    for (const id of [...this.cache.keys()]) if (!seen.has(id)) this.remove(id);
    for (let i = 0; i < ids.length; i += INSPECT_CONCURRENCY) {
      const infos = await Promise.all(
        ids.slice(i, i + INSPECT_CONCURRENCY).map((id) => this.inspect(id, signal)),
      );
      for (const info of infos) if (info) this.upsert(info);
    }
    this.log.info(
      { containers: this.cache.size, cgroups: this.mode ?? 'not visible' },
      'docker containers listed',
    );
  }

  /** Inspect output as ContainerInfo; undefined when the container is gone already. */
  private async inspect(id: string, signal: AbortSignal): Promise<ContainerInfo | undefined> {
    try {
      const data = (await this.client.inspectContainer(id, signal)) as InspectData;
      const info = infoFromInspect(data);
      const cg = info.running
        ? resolveCgroupPath(this.hostRoot, id, info.pid, this.mode)
        : this.cache.get(id)?.cgroupPath;
      if (cg) info.cgroupPath = cg;
      return info;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      if (signal.aborted) throw err;
      dockerMetrics.errors.inc({ op: 'inspect' });
      throw err;
    }
  }

  private upsert(info: ContainerInfo): void {
    const old = this.cache.get(info.meta.id);
    if (old && JSON.stringify(old) === JSON.stringify(info)) return;
    this.cache.set(info.meta.id, info);
    dockerMetrics.containers.set(this.cache.size);
    this.emit(old ? { type: 'updated', container: info } : { type: 'added', container: info });
  }

  private remove(id: string): void {
    this.cache.delete(id);
    dockerMetrics.containers.set(this.cache.size);
    this.emit({ type: 'removed', id });
  }

  private emit(change: DiscoveryChange): void {
    for (const fn of this.watchers) {
      try {
        fn(change);
      } catch (err) {
        this.log.error({ err }, 'discovery watcher failed');
      }
    }
  }
}
