import type { ContainerMeta, LogEvent } from '../core/events';

/**
 * A minimal Elasticsearch `_bulk` serializer for the tail benchmark only: the action line with
 * the event's deterministic `_id`, then an ECS document. The shipping sink in
 * collector/sinks/elasticsearch is the real one; this stands in so the bench measures the
 * tailer plus a realistic serialization cost without depending on it.
 */
export class BulkSerializer {
  private readonly tails = new WeakMap<ContainerMeta, string>();

  constructor(private readonly index: string) {}

  private tail(host: string, c: ContainerMeta): string {
    let t = this.tails.get(c);
    if (t === undefined) {
      // The per-container part of every document, serialised once.
      t = `,"host":{"name":${JSON.stringify(host)}},"container":{"id":${JSON.stringify(c.id)},"name":${JSON.stringify(c.name)},"image":{"name":${JSON.stringify(c.image)}}}}\n`;
      this.tails.set(c, t);
    }
    return t;
  }

  body(events: LogEvent[]): string {
    let out = '';
    for (const ev of events) {
      out +=
        `{"create":{"_index":"${this.index}","_id":"${ev.id}"}}\n` +
        `{"@timestamp":"${ev.time}","message":${JSON.stringify(ev.message)},"log":{"iostream":"${ev.stream}"${ev.level ? `,"level":"${ev.level}"` : ''}}` +
        this.tail(ev.host, ev.container);
    }
    return out;
  }
}
