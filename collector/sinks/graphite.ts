import type { LookoutEvent } from '../../core/events';
import type { SinkConfigOf } from './config';
import { sinkName } from './config';
import { graphiteName } from './names';
import type { Sink, SinkFactory } from './sink';
import { LineWriter } from './tcp-lines';

/**
 * Carbon's plaintext protocol, `path value timestamp\n`, with the sample's own time in
 * seconds: points land exactly when they were measured, and samples spooled during an outage
 * are backfilled at their true times (which StatsD, stamping on flush, cannot do).
 * https://graphite.readthedocs.io/en/latest/feeding-carbon.html#the-plaintext-protocol
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
  const sink: Sink = {
    name,
    accepts: new Set(['metric']),
    async write(events, signal) {
      const text = carbonLines(events, config.prefix, config.tags);
      if (text === '') return;
      await conn.write(events, text, signal);
    },
    takeUnconfirmed: () => conn.takeUnconfirmed(),
    close: () => conn.close(),
  };
  return sink;
};
