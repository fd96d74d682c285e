import type { LookoutEvent } from '../../core/events';
import type { SinkConfigOf } from './config';
import { sinkName } from './config';
import { graphiteName } from './names';
import { CarbonEncoder } from './carbon/encoder';
import type { Sink, SinkFactory } from './sink';
import { LineWriter } from './tcp-lines';

/**
 * Carbon's plaintext protocol, `path value timestamp\n`, with the sample's own time in seconds:
 * points land exactly when they were measured, and samples spooled during an outage are
 * backfilled at their true times (which StatsD, stamping on flush, cannot do).
 * https://graphite.readthedocs.io/en/latest/feeding-carbon.html#the-plaintext-protocol
 *
 * This text form is the reference CarbonEncoder (what the sink sends) must match byte for byte,
 * and renders the resend of lines a broken connection may have lost (rare: a string will do).
 */
export function carbonLines(events: LookoutEvent[], prefix: string, tags: boolean): string {
  let out = '';
  for (const e of events) {
    if (e.kind !== 'metric' || !Number.isFinite(e.value)) continue;
    out += `${graphiteName(e, prefix, tags)} ${e.value} ${Math.floor(e.ts / 1000)}\n`;
  }
  return out;
}

export const createGraphiteSink: SinkFactory<SinkConfigOf<'graphite'>> = (config, deps) => {
  const name = sinkName(config);
  const conn = new LineWriter({
    host: config.address.host,
    port: config.address.port,
    connectTimeoutMs: config.connect_timeout,
    resendWindowMs: config.resend_window,
    logger: deps.logger.child({ sink: name }),
    clock: deps.clock,
  });
  conn.render = (events) => carbonLines(events, config.prefix, config.tags);
  const encoder = new CarbonEncoder(config.prefix, config.tags);
  const sink: Sink = {
    name,
    accepts: new Set(['metric']),
    async write(events, signal) {
      const lines = encoder.encode(events);
      if (lines.length === 0) return;
      try {
        await conn.write(events, lines, signal);
      } catch (err) {
        encoder.abandon(); // the failed socket may still hold a view of the pool
        throw err;
      }
    },
    takeUnconfirmed: () => conn.takeUnconfirmed(),
    close: () => conn.close(),
  };
  return sink;
};
