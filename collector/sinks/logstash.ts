import type { SinkConfigOf } from './config';
import { sinkName } from './config';
import { ecsDocument } from './ecs/documents';
import type { LookoutEvent } from '../../core/events';
import type { Sink, SinkFactory } from './sink';
import { LineWriter } from './tcp-lines';

/**
 * Logstash's `tcp` input with `codec => json_lines`: one JSON document per line, the same ECS
 * documents the Elasticsearch sink indexes (the id is `event.id`; use it as `document_id` in
 * the Logstash elasticsearch output so repeats are no-ops).
 *
 * TCP gives no application acknowledgement: a batch counts as delivered once it was written
 * and drained into the kernel; see LineWriter for how lines in flight when the connection
 * broke are sent again.
 */
export function jsonLines(events: LookoutEvent[], fieldsKey: string): string {
  let out = '';
  for (const e of events) {
    const doc = ecsDocument(e, fieldsKey);
    if (doc !== undefined) out += `${doc}\n`;
  }
  return out;
}

export const createLogstashSink: SinkFactory<SinkConfigOf<'logstash'>> = (config, deps) => {
  const name = sinkName(config);
  const conn = new LineWriter({
    host: config.address.host,
    port: config.address.port,
    connectTimeoutMs: config.connect_timeout,
    resendWindowMs: config.resend_window,
    logger: deps.logger.child({ sink: name }),
    clock: deps.clock,
  });
  conn.render = (events) => jsonLines(events, config.json_fields_key);
  const sink: Sink = {
    name,
    accepts: new Set(['log', 'lifecycle']),
    async write(events, signal) {
      const text = jsonLines(events, config.json_fields_key);
      if (text === '') return;
      await conn.write(events, text, signal);
    },
    takeUnconfirmed: () => conn.takeUnconfirmed(),
    close: () => conn.close(),
  };
  return sink;
};
