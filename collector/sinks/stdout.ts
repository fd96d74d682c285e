import type { LookoutEvent } from '../../core/events';
import type { Sink, SinkFactory } from './sink';
import type { SinkConfigOf } from './config';
import { sinkName } from './config';

/**
 * NDJSON of the events as they are, one per line: what `lookout collect --sink stdout` prints,
 * for piping into jq or another shipper. Acknowledged once the stream took the bytes.
 */
export const createStdoutSink: SinkFactory<SinkConfigOf<'stdout'> & { stream?: NodeJS.WritableStream }> = (
  config,
) => {
  const out = config.stream ?? process.stdout;
  const sink: Sink = {
    name: sinkName(config),
    accepts: new Set<LookoutEvent['kind']>(['log', 'metric', 'lifecycle', 'heartbeat']),
    write(events) {
      let text = '';
      for (const e of events) text += `${JSON.stringify(e)}\n`;
      return new Promise<void>((resolve, reject) => {
        out.write(text, (err) => (err ? reject(err) : resolve()));
      });
    },
    async close() {},
  };
  return sink;
};
