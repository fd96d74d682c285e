import { StatsD } from 'hot-shots';
import { TransientDeliveryError } from '../../core/errors';
import type { SinkConfigOf } from './config';
import { sinkName } from './config';
import { StatsdDatagrams } from './statsd-datagrams';
import type { Sink, SinkFactory } from './sink';

/**
 * hot-shots' own send path for a message it did not build: `send(message, tags, callback)` (its
 * gauge() and increment() end there too), which resolves DNS, keeps the TCP connection and reports
 * the socket's callback. Not in its type declarations, hence this shape; pinned version 17.1.1.
 */
interface RawSend {
  send(message: string, tags: undefined, callback: (err?: Error | null) => void): void;
}

/**
 * Graphite through StatsD, with hot-shots (the maintained fork of node-statsd, same API) as the
 * transport. Names are built here in full (`lookout.<host>.<container>.<metric>`), and with
 * `tags: true` in the Graphite 1.1 form `name;tag=value` that statsd 0.9 passes to carbon.
 * StatsD stamps points with its flush time: for exact times and backfill use the graphite sink.
 *
 * The lines of a batch are written into whole datagrams first (statsd-datagrams.ts: gauges as
 * gauges, running totals as increments) and each datagram is handed to hot-shots once: calling
 * gauge() per sample cost a string, a callback and a promise per sample (issue 16).
 * UDP has no acknowledgement: a batch counts as delivered once its datagrams were sent.
 */
export const createStatsdSink: SinkFactory<SinkConfigOf<'statsd'>> = (config, deps) => {
  const name = sinkName(config);
  const log = deps.logger.child({ sink: name });
  const state: { lastError?: Error } = {};
  const client = new StatsD({
    host: config.address.host,
    port: config.address.port,
    protocol: config.protocol,
    // Datagrams arrive whole from the encoder: hot-shots sends each as it comes.
    maxBufferSize: 0,
    // What hot-shots would add from DD_* variables (tags, container id) goes at the end of a
    // message: after the last line of a whole datagram it would land on that line alone. Series
    // are named by lookout anyway (names.ts), never by the host's Datadog environment.
    datadog: false,
    includeDataDogTags: false,
    errorHandler: (err) => {
      state.lastError = err;
      log.warn({ err: err.message }, 'statsd send failed');
    },
  });
  const transport = client as unknown as RawSend;
  const datagrams = new StatsdDatagrams(config.prefix, config.tags, {
    maxDatagramBytes: config.max_datagram_bytes,
    clock: deps.clock,
  });

  /** Sends every datagram, then settles once: with the first error if any send failed. */
  function sendAll(list: Buffer[]): Promise<void> {
    return new Promise((resolve, reject) => {
      let pending = list.length;
      let failed: Error | undefined;
      if (pending === 0) return resolve();
      const done = (err?: Error | null) => {
        failed ??= err ?? undefined;
        if (--pending === 0) return failed ? reject(failed) : resolve();
      };
      // Text decoded from the pool now: the pool is written again by the next batch.
      for (const d of list) transport.send(d.toString('utf8'), undefined, done);
    });
  }

  const sink: Sink = {
    name,
    accepts: new Set(['metric']),
    async write(events) {
      state.lastError = undefined;
      try {
        await sendAll(datagrams.encode(events));
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
