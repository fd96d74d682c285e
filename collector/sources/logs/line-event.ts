import { type ContainerMeta, type LogEvent, type LogStream, TEXT_IS_PLAIN_JSON } from '../../../core/events';

/** A LogEvent, plus `truncated` when the line was cut at max_line_bytes. */
export type TailedLogEvent = LogEvent & { truncated?: true };

/**
 * The tailer's log event: a class rather than an object literal so that one kind of line can say
 * "my text needs no JSON escaping" through its prototype (TEXT_IS_PLAIN_JSON), for no cost per
 * line. The own fields and their order are those of the literal it replaces, so the event looks,
 * serialises and compares the same to everyone downstream (bus, spool, Kafka, alerter).
 * Made twice by one factory rather than as a subclass: a derived constructor measured three
 * times slower in the tailer's loop.
 */
function lineClass() {
  return class TailedLine implements TailedLogEvent {
    declare kind: 'log';
    declare host: string;
    declare ts: number;
    declare container: ContainerMeta;
    declare stream: LogStream;
    declare message: string;
    declare time: string;
    declare id: string;
    declare level: string | undefined;
    declare fields?: Record<string, unknown>;
    declare invalidUtf8?: true;
    declare truncated?: true;
    /** Set on PlainJsonTailedLine's prototype only. */
    declare readonly [TEXT_IS_PLAIN_JSON]?: true;

    constructor(
      host: string,
      ts: number,
      container: ContainerMeta,
      stream: LogStream,
      message: string,
      time: string,
      id: string,
      level: string | undefined,
    ) {
      this.kind = 'log';
      this.host = host;
      this.ts = ts;
      this.container = container;
      this.stream = stream;
      this.message = message;
      this.time = time;
      this.id = id;
      this.level = level;
    }
  };
}

export const TailedLine = lineClass();

/**
 * A line whose message, id and time contain no `"`, `\`, control character or lone surrogate: what
 * the json-file fast path produces for a whole, uncut line. JSON.stringify would write them as
 * they are, so the Elasticsearch sink quotes them without looking (log-splice.ts).
 */
export const PlainJsonTailedLine = lineClass();
Object.defineProperty(PlainJsonTailedLine.prototype, TEXT_IS_PLAIN_JSON, { value: true });
