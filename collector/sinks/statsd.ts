import { StatsD } from 'hot-shots';
import { TransientDeliveryError } from '../../core/errors';
import type { MetricSample } from '../../core/events';
import type { SinkConfigOf } from './config';
import { sinkName } from './config';
import { GraphitePaths } from './carbon/paths';
import type { Sink, SinkFactory } from './sink';

/**
 * Graphite through StatsD, with hot-shots (the maintained fork of node-statsd, same API).
 * Gauges go as gauges. Our counters are running totals (bytes since start); StatsD counters
 * are increments, so the sink sends the growth since the last total it saw (the whole value
 * after a reset). Names are built here in full (`lookout.<host>.<container>.<metric>`), and
 * with `tags: true` in the Graphite 1.1 form `name;tag=value` that statsd 0.9 passes to carbon.
 * StatsD stamps points with its flush time: for exact times and backfill use the graphite sink.
 * UDP has no acknowledgement: a batch counts as delivered once the datagrams were sent.
 */
export const createStatsdSink: SinkFactory<SinkConfigOf<'statsd'>> = (config, deps) => {
  const name = sinkName(config);
  const log = deps.logger.child({ sink: name });
  const state: { lastError?: Error } = {};
  const client = new StatsD({
    host: config.address.host,
    port: config.address.port,
    protocol: config.protocol,
    // Batch datagrams (up to 1 KiB, flushed within 50 ms): one packet per sample is wasteful.
    maxBufferSize: 1024,
    bufferFlushInterval: 50,
    errorHandler: (err) => {
      state.lastError = err;
      log.warn({ err: err.message }, 'statsd send failed');
    },
  });
  const totals = new Map<string, number>();
  const paths = new GraphitePaths(config.prefix, config.tags);

  function send(s: MetricSample): Promise<void> {
    const key = paths.of(s);
    return new Promise((resolve, reject) => {
      const cb = (err?: Error) => (err ? reject(err) : resolve());
      if (s.type === 'gauge') return client.gauge(key, s.value, cb);
      const prev = totals.get(key);
      totals.set(key, s.value);
      const delta = prev === undefined ? 0 : s.value >= prev ? s.value - prev : s.value;
      // The first total only sets the baseline; StatsD keeps no memory of totals.
      if (prev === undefined || delta === 0) return resolve();
      client.increment(key, delta, cb);
    });
  }

  const sink: Sink = {
    name,
    accepts: new Set(['metric']),
    async write(events) {
      state.lastError = undefined;
      try {
        await Promise.all(
          events.filter((e): e is MetricSample => e.kind === 'metric' && Number.isFinite(e.value)).map(send),
        );
      } catch (err) {
        throw new TransientDeliveryError(`statsd: ${(err as Error).message}`, err);
      }
      const failed = state.lastError as Error | undefined;
      if (failed) throw new TransientDeliveryError(`statsd: ${failed.message}`, failed);
    },
    close: () => new Promise<void>((resolve) => client.close(() => resolve())),
  };
  return sink;
};
