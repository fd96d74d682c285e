import type { LifecycleEvent } from '../../../core/events';
import type { Logger } from '../../../core/logger';
import type { Source, SourceBatch } from '../../source';
import type { Discovery } from '../docker/discovery';
import { BatchQueue } from '../docker/queue';
import { LifecycleMapper, type MapperOptions } from './map';
import { lifecycleMetrics } from './metrics';
import { defineSource } from '../kind';
import { readLogTail, type LogTailApi } from './log-tail';
import { PerKeyOrder } from './per-key-order';

export interface LifecycleDeps {
  logger: Logger;
  /** This host's name, stamped on every event. */
  host: string;
  /** Where a `die` reads the container's last lines; without it a `die` carries none. */
  docker?: LogTailApi;
}

/**
 * Container lifecycle events, read from discovery's events connection (not a second one), so
 * each event carries the metadata discovery had once it took the event in.
 */
export function createLifecycleSource(
  discovery: Pick<Discovery, 'onContainerEvent'>,
  deps: LifecycleDeps,
  opts: MapperOptions = {},
): Source {
  const log = deps.logger.child({ component: 'source', source: 'lifecycle' });
  return {
    name: 'lifecycle',
    async *run(signal: AbortSignal): AsyncIterable<SourceBatch> {
      const mapper = new LifecycleMapper(deps.host, opts);
      const queue = new BatchQueue<LifecycleEvent>();
      const perContainer = new PerKeyOrder();
      const emit = async (out: LifecycleEvent) => {
        lifecycleMetrics.events.inc({ action: out.action });
        await queue.push(out);
      };
      const later = (id: string, task: () => Promise<void>) =>
        void perContainer
          .run(id, task)
          .catch((err: unknown) => log.error({ err }, 'lifecycle event not handed on'));
      const off = discovery.onContainerEvent(async (ev, info) => {
        const out = mapper.map(ev, info);
        if (!out) return;
        const id = out.container.id;
        const docker = deps.docker;
        if (docker && wantsLastLines(out)) {
          // Not awaited: discovery goes on to the next event (another container's crash) while
          // this read runs; this container's later events queue behind its die.
          later(id, async () => {
            await attachLastLines(out, docker, info?.tty === true, log, signal);
            await emit(out);
          });
        } else if (perContainer.busy(id)) later(id, () => emit(out));
        // The common case keeps discovery's backpressure: it waits for room in the queue.
        else await emit(out);
      });
      log.debug('following container lifecycle events');
      try {
        for await (const events of queue.batches(signal)) yield { topic: 'lifecycle', events };
      } finally {
        off();
      }
    },
  };
}

/** A death that may page: a stop by a user never pages. (Containers left out never get here.) */
function wantsLastLines(ev: LifecycleEvent): boolean {
  return ev.action === 'die' && ev.intent !== 'user';
}

/**
 * The lines a container printed before it died, read now: the log stream can reach the alerter
 * after the `die`. A failed read (log driver
 * `none`, container already removed by `--rm`, deadline) leaves the event without lines.
 */
async function attachLastLines(
  out: LifecycleEvent,
  docker: LogTailApi,
  tty: boolean,
  log: Logger,
  signal: AbortSignal,
): Promise<void> {
  try {
    const lines = await readLogTail(docker, out.container.id, tty, signal);
    if (lines.length > 0) out.lastLines = lines;
  } catch (err) {
    lifecycleMetrics.tailFailures.inc();
    log.debug({ err: (err as Error).message, container: out.container.name }, 'last lines not read at die');
  }
}

/** Lifecycle has no settings of its own; it covers the watched containers (`docker.exclude`). */
export const lifecycleSource = defineSource({
  schema: undefined,
  create: (_config, deps) =>
    createLifecycleSource(deps.containerEvents, {
      logger: deps.logger,
      host: deps.host,
      docker: deps.docker,
    }),
});
