import type { ContainerMeta, LogEvent } from '../core/events';

/**
 * A minimal Elasticsearch `_bulk` serializer for the tail benchmark only: the action line with
 * the event's deterministic `_id`, then an ECS document, encoded as the request body bytes.
 * The shipping sink in collector/sinks/elasticsearch is the real one; this stands in so the
 * bench measures the tailer plus a realistic serialization cost without depending on it.
 */
// Characters JSON.stringify would escape (and surrogates, in case one is lone): a message with none is quoted as is.
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

export class BulkSerializer {
  private readonly tails = new WeakMap<ContainerMeta, Buffer>();
  private buf = Buffer.allocUnsafe(1 << 20);

  private tail(host: string, c: ContainerMeta): Buffer {
    let t = this.tails.get(c);
    if (t === undefined) {
      // The per-container part of every document, serialised and encoded once.
      t = Buffer.from(
        `,"host":{"name":${JSON.stringify(host)}},"container":{"id":${JSON.stringify(c.id)},"name":${JSON.stringify(c.name)},"image":{"name":${JSON.stringify(c.image)}}}}\n`,
      );
      this.tails.set(c, t);
    }
    return t;
  }

  /**
   * The body for `events`. Each document is written straight into one growing buffer: cheaper
   * than concatenating a big string and encoding it at the end (V8 flattens the rope first).
   * The returned view is valid until the next call.
   */
  body(events: LogEvent[]): Buffer {
    let o = 0;
    for (const ev of events) {
      // The index goes in the URL (POST /<index>/_bulk), as a data-stream writer does.
      const message = NEEDS_ESCAPE.test(ev.message) ? JSON.stringify(ev.message) : `"${ev.message}"`;
      const doc =
        `{"create":{"_id":"${ev.id}"}}\n` +
        `{"@timestamp":"${ev.time}","message":${message},"log":{"iostream":"${ev.stream}"${ev.level ? `,"level":"${ev.level}"` : ''}}`;
      const tail = this.tail(ev.host, ev.container);
      // A UTF-16 unit is at most 3 UTF-8 bytes.
      if (this.buf.length - o < doc.length * 3 + tail.length) this.grow(o + doc.length * 3 + tail.length);
      o += this.buf.utf8Write(doc, o);
      o += tail.copy(this.buf, o);
    }
    return this.buf.subarray(0, o);
  }

  private grow(need: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
    this.buf.copy(bigger);
    this.buf = bigger;
  }
}

declare module 'node:buffer' {
  interface Buffer {
    /** On every Buffer at runtime (what `write(s, o, 'utf8')` calls), not in @types/node. */
    utf8Write(s: string, offset: number): number;
  }
}
