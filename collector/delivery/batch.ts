import type { LookoutEvent } from '../../core/events';

/** Rough in-memory/encoded size of an event, for the byte limits (exact sizes would cost a stringify). */
export function approxBytes(e: LookoutEvent): number {
  if (e.kind === 'log') return 300 + e.message.length + (e.fields ? 200 : 0);
  if (e.kind === 'heartbeat') return 200 + 150 * e.containers.length;
  return 300;
}

/** One batch the bus handed in, waiting for every one of its events to be settled. */
export interface Entry {
  events: LookoutEvent[];
  /** approxBytes of all its events. Sizes per event are not kept: an array per batch was garbage. */
  bytes: number;
  /** Events handed to a write or the spool so far (a prefix of `events`). */
  taken: number;
  /** Events delivered, spooled or dead-lettered. */
  settled: number;
  resolve(): void;
}

export interface Part {
  entry: Entry;
  count: number;
}

/**
 * Takes the next batch off the head of the queue: whole bus batches where they fit, split
 * where one is larger than the limits, never empty when the queue is not. Pure, for tests.
 *
 * A head batch that is the whole write (alone in the queue, or full) is handed on as it is, not
 * copied: the write, and a TCP sink's resend window after it, then hold the bus's own array
 * (alive anyway while queued) instead of a copy that would live seconds in the window and be
 * promoted to the old generation (issue 16). So the returned array must not be changed by anyone.
 */
export function takeBatch(
  queue: Entry[],
  maxEvents: number,
  maxBytes: number,
  size: (e: LookoutEvent) => number = approxBytes,
): { events: LookoutEvent[]; parts: Part[]; bytes: number } {
  const head = queue[0];
  const alone = queue.length === 1 || head?.events.length === maxEvents;
  if (head && alone && head.taken === 0 && head.events.length <= maxEvents && head.bytes <= maxBytes) {
    queue.shift();
    head.taken = head.events.length;
    return { events: head.events, parts: [{ entry: head, count: head.events.length }], bytes: head.bytes };
  }
  const events: LookoutEvent[] = [];
  const parts: Part[] = [];
  let bytes = 0;
  while (queue.length > 0 && events.length < maxEvents) {
    const entry = queue[0]!;
    let n = 0;
    while (entry.taken + n < entry.events.length && events.length < maxEvents) {
      const e = entry.events[entry.taken + n]!;
      const s = size(e);
      if (events.length > 0 && bytes + s > maxBytes) break;
      events.push(e);
      bytes += s;
      n++;
    }
    if (n > 0) parts.push({ entry, count: n });
    entry.taken += n;
    if (entry.taken === entry.events.length) queue.shift();
    else break;
  }
  return { events, parts, bytes };
}

/** Cuts events into chunks within the limits (spool rows the drain can read one batch at a time). */
export function chunk(
  events: LookoutEvent[],
  maxEvents: number,
  maxBytes: number,
  size = approxBytes,
): LookoutEvent[][] {
  const out: LookoutEvent[][] = [];
  let cur: LookoutEvent[] = [];
  let bytes = 0;
  for (const e of events) {
    const s = size(e);
    if (cur.length > 0 && (cur.length >= maxEvents || bytes + s > maxBytes)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(e);
    bytes += s;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

export function settle(parts: Part[]): void {
  for (const p of parts) {
    p.entry.settled += p.count;
    if (p.entry.settled === p.entry.events.length) p.entry.resolve();
  }
}
