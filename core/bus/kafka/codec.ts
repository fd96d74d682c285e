import type { EventOf, Topic } from '../../events';

/**
 * Messages are the events as JSON. The benchmark (bench/kafka.ts) found no clear win for a
 * compact encoding once gzip runs over a batch: repeated field names compress away.
 */
export function encodeEvent(e: unknown): Buffer {
  return Buffer.from(JSON.stringify(e));
}

/** The event, or undefined for a message that is not one of ours for this topic (counted, skipped). */
export function decodeEvent<K extends Topic>(topic: K, value: Buffer | null): EventOf<K> | undefined {
  if (!value) return undefined;
  try {
    const e = JSON.parse(value.toString('utf8')) as { kind?: unknown; ts?: unknown; host?: unknown };
    if (e && e.kind === topic && typeof e.ts === 'number' && typeof e.host === 'string')
      return e as EventOf<K>;
  } catch {
    // fall through: not JSON
  }
  return undefined;
}
