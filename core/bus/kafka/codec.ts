import type { ContainerMeta, EventOf, LookoutEvent, Topic } from '../../events';

/**
 * The value of an event message (core/bus/kafka/pack.ts puts one key's events of a publish in
 * one message): a JSON array of segments, each `[container, events]`, where `events` are
 * consecutive events of that container written without it and `container` is null for events
 * that have none. The container is most of an event's JSON (about 300 of 550 bytes in
 * bench:kafka), and all events of a segment share one object again when read back.
 *
 * A message holding one JSON object is one whole event: what lookout published before it packed
 * events, still read so that a fleet that upgrades its alerters first loses nothing. (Alerters
 * older than packing skip packed messages as undecodable: upgrade the alerters first.)
 */
export function encodeEvents(events: readonly LookoutEvent[]): Buffer {
  const segments: string[] = [];
  for (let i = 0; i < events.length;) {
    const container = containerOf(events[i]!);
    const containerJson = container ? JSON.stringify(container) : 'null';
    let j = i + 1;
    while (j < events.length && sameContainer(container, containerJson, containerOf(events[j]!))) j++;
    const lean: unknown[] = [];
    for (let k = i; k < j; k++) lean.push(container ? { ...events[k], container: undefined } : events[k]);
    segments.push(`[${containerJson},${JSON.stringify(lean)}]`);
    i = j;
  }
  return Buffer.from(`[${segments.join(',')}]`);
}

function containerOf(e: LookoutEvent): ContainerMeta | undefined {
  return (e as { container?: ContainerMeta }).container;
}

/**
 * Sources share one metadata object per container, so identity decides at no cost; events read
 * back from the delivery spool each have their own copy, which is compared by value so that a
 * replay packs as well as the first try.
 */
function sameContainer(a: ContainerMeta | undefined, aJson: string, b: ContainerMeta | undefined): boolean {
  if (a === b) return true;
  return !!a && !!b && a.id === b.id && JSON.stringify(b) === aJson;
}

function isEventOf(topic: Topic, e: unknown): boolean {
  const x = e as { kind?: unknown; ts?: unknown; host?: unknown } | null;
  return !!x && x.kind === topic && typeof x.ts === 'number' && typeof x.host === 'string';
}

/**
 * Appends the message's events of `topic` to `out`; returns how many parts were skipped as not
 * ours (a message that is not JSON counts once, a malformed segment or foreign event once each).
 */
export function decodeEventsInto<K extends Topic>(topic: K, value: Buffer | null, out: EventOf<K>[]): number {
  let parsed: unknown;
  try {
    parsed = value ? JSON.parse(value.toString('utf8')) : undefined;
  } catch {
    return 1; // not JSON
  }
  if (!Array.isArray(parsed)) {
    if (!isEventOf(topic, parsed)) return 1;
    out.push(parsed as EventOf<K>);
    return 0;
  }
  let skipped = 0;
  for (const segment of parsed) {
    if (!Array.isArray(segment) || segment.length !== 2 || !Array.isArray(segment[1])) {
      skipped++;
      continue;
    }
    const [container, events] = segment as [unknown, unknown[]];
    const shared = container !== null && typeof container === 'object' ? container : undefined;
    for (const e of events) {
      if (!isEventOf(topic, e)) {
        skipped++;
        continue;
      }
      if (shared) (e as { container?: unknown }).container = shared;
      out.push(e as EventOf<K>);
    }
  }
  return skipped;
}
