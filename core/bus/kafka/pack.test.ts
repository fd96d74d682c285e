import type { ContainerMeta, Heartbeat, LogEvent, LookoutEvent, MetricSample } from '../../events';
import { decodeEventsInto } from './codec';
import { MAX_MESSAGE_BYTES, packEvents } from './pack';
import { eventKey } from './topics';

const container = (service: string, labels: Record<string, string> = {}): ContainerMeta => ({
  id: `id-${service}`,
  name: `${service}-1`,
  image: 'local/app:1',
  labels,
  service,
});

const log = (c: ContainerMeta, seq: number, message = `line ${seq}`): LogEvent => ({
  kind: 'log',
  host: 'h1',
  ts: 1_700_000_000_000 + seq,
  container: c,
  stream: 'stdout',
  message,
  time: '2024-05-01T10:00:00.000000001Z',
  id: `${c.service}:${seq}`,
});

function decodeAll<K extends LookoutEvent['kind']>(kind: K, values: Array<Buffer | null>) {
  const out: LookoutEvent[] = [];
  let skipped = 0;
  for (const v of values) skipped += decodeEventsInto(kind, v, out as never[]);
  return { out, skipped };
}

describe('packing events into Kafka messages', () => {
  it('puts one key per message, in publish order, and reads back equal events sharing their container', () => {
    const api = container('api');
    const db = container('db');
    const events = [log(api, 0), log(db, 1), log(api, 2), log(api, 3), log(db, 4)];
    const messages = packEvents(events);
    expect(messages.map((m) => m.key)).toEqual(['api', 'db']);
    expect(messages.map((m) => m.timestamp)).toEqual([String(events[3]!.ts), String(events[4]!.ts)]);
    const { out, skipped } = decodeAll(
      'log',
      messages.map((m) => m.value as Buffer),
    );
    expect(skipped).toBe(0);
    expect(out).toEqual([events[0], events[2], events[3], events[1], events[4]]);
    expect((out[0] as LogEvent).container).toBe((out[2] as LogEvent).container);
    // The container is written once per run of its events, not once per event.
    expect(messages[0]!.value!.toString().split('"image"')).toHaveLength(2);
  });

  it('keeps events without a container, and heartbeats keyed by host', () => {
    const hostSample: MetricSample = {
      kind: 'metric',
      host: 'h2',
      ts: 5,
      name: 'load.1',
      value: 0.5,
      type: 'gauge',
    };
    const withContainer: MetricSample = {
      ...hostSample,
      ts: 6,
      name: 'cpu.percent',
      container: container('h2'),
    };
    const beat: Heartbeat = {
      kind: 'heartbeat',
      host: 'h2',
      ts: 7,
      source: 'collector',
      containers: [container('x')],
      version: '1',
    };
    const metrics = decodeAll(
      'metric',
      packEvents([hostSample, withContainer]).map((m) => m.value as Buffer),
    );
    expect(metrics.out).toEqual([hostSample, withContainer]);
    expect('container' in metrics.out[0]!).toBe(false);
    const [beatMessage] = packEvents([beat]);
    expect(beatMessage!.key).toBe(eventKey(beat));
    expect(decodeAll('heartbeat', [beatMessage!.value as Buffer]).out).toEqual([beat]);
  });

  it('packs equal copies of a container (a spool replay) as one, and a changed container apart', () => {
    const copy = () => JSON.parse(JSON.stringify(container('api'))) as ContainerMeta;
    const replayed = [log(copy(), 0), log(copy(), 1), log(copy(), 2)];
    const [packed] = packEvents(replayed);
    expect(packed!.value!.toString().split('"image"')).toHaveLength(2);
    expect(decodeAll('log', [packed!.value as Buffer]).out).toEqual(replayed);

    const relabelled = [log(container('api'), 0), log(container('api', { tier: 'gold' }), 1)];
    const [both] = packEvents(relabelled);
    const back = decodeAll('log', [both!.value as Buffer]).out as LogEvent[];
    expect(back).toEqual(relabelled);
    expect(back[1]!.container.labels).toEqual({ tier: 'gold' });
  });

  it('splits a key whose events pass the size cap into several messages, order kept', () => {
    const api = container('api');
    const big = 'x'.repeat(10_000);
    const events = Array.from({ length: 80 }, (_, i) => log(api, i, `${i} ${big}`));
    const messages = packEvents(events);
    expect(messages.length).toBeGreaterThan(2);
    for (const m of messages) {
      expect(m.key).toBe('api');
      expect((m.value as Buffer).length).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    }
    expect(
      decodeAll(
        'log',
        messages.map((m) => m.value as Buffer),
      ).out,
    ).toEqual(events);
  });

  it('reads a message of one whole event (published before packing)', () => {
    const e = log(container('api'), 9);
    expect(decodeAll('log', [Buffer.from(JSON.stringify(e))])).toEqual({ out: [e], skipped: 0 });
  });

  it.each([
    ['not JSON', Buffer.from('{nope'), 1],
    ['an empty message', null, 1],
    ['an event of another topic', Buffer.from(JSON.stringify({ kind: 'metric', ts: 1, host: 'h' })), 1],
    [
      'a malformed segment and a foreign event',
      Buffer.from(JSON.stringify([['c'], [null, [{ kind: 'log' }]]])),
      2,
    ],
  ])('counts %s as skipped', (_what, value, skipped) => {
    expect(decodeAll('log', [value])).toEqual({ out: [], skipped });
  });
});
