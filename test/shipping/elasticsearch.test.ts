/**
 * Elasticsearch shipping through the real client (@elastic/elasticsearch 8.19) into the
 * stand-in (a TEST DOUBLE, test/support/elasticsearch-standin.ts), or into a real cluster when
 * ELASTICSEARCH_URL is set: `ELASTICSEARCH_URL=http://127.0.0.1:9200 npx jest test/shipping/elasticsearch`.
 * Cases that need fault injection (429s) run only against the stand-in.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { register } from 'prom-client';
import { MemoryBus } from '../../core/bus/memory';
import { StateStore } from '../../core/store/store';
import { ManualClock, systemClock, type Clock } from '../../core/clock';
import type { LookoutEvent } from '../../core/events';
import { createDelivery, type Delivery } from '../../collector/delivery/delivery';
import { elasticsearchSinkSchema } from '../../collector/sinks/config';
import { createElasticsearchSink } from '../../collector/sinks/elasticsearch/sink';
import { esTarget, type EsTarget } from '../support/es-target';
import { waitFor } from '../support/docker';
import { container, lifecycle, logLine, sinkDeps, testDelivery } from './fixtures';

let es: EsTarget;
let dir: string;
let n = 0;

beforeAll(async () => {
  es = await esTarget();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-es-'));
});
afterAll(async () => {
  await es.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Set by each mode's describe block: every case runs with both index modes (issue 17). */
let mode: 'daily' | 'data_stream' = 'daily';

interface Rig {
  bus: MemoryBus;
  delivery: Delivery;
  store: StateStore;
  logs: string;
  lifecycleIndex: string;
  /** What a search names: the daily indices' pattern, or the data stream itself. */
  logsAt: string;
  lifecycleAt: string;
  deadLetterFile: string;
  publish(events: LookoutEvent[]): Promise<void>;
  close(): Promise<void>;
}

function rig(extra: Record<string, unknown> = {}, clock: Clock = systemClock): Rig {
  const tag = `${process.pid}-${Date.now().toString(36)}-${n++}`;
  const logs = `lookout-test-logs-${tag}`;
  const lifecycleIndex = `lookout-test-life-${tag}`;
  const config = elasticsearchSinkSchema.parse({
    type: 'elasticsearch',
    name: `es${n}`,
    url: es.url,
    index_mode: mode,
    logs_index: logs,
    lifecycle_index: lifecycleIndex,
    ...extra,
  });
  const store = StateStore.open(path.join(dir, `state-${tag}.db`));
  const dconf = testDelivery({ dead_letter_dir: path.join(dir, `dl-${tag}`) });
  const deps = { ...sinkDeps(store, dconf), clock };
  const sink = createElasticsearchSink(config, deps);
  const bus = new MemoryBus();
  const delivery = createDelivery({
    sinks: [sink],
    bus,
    store,
    logger: deps.logger,
    clock,
    config: dconf,
    deadLetter: deps.deadLetter,
  });
  return {
    bus,
    delivery,
    store,
    logs,
    lifecycleIndex,
    logsAt: mode === 'daily' ? `${logs}-*` : logs,
    lifecycleAt: mode === 'daily' ? `${lifecycleIndex}-*` : lifecycleIndex,
    deadLetterFile: deps.deadLetter.file(sink.name),
    async publish(events) {
      const logsOnly = events.filter((e) => e.kind === 'log');
      const life = events.filter((e) => e.kind === 'lifecycle');
      const dones: Promise<void>[] = [];
      if (logsOnly.length) dones.push((await bus.publish('log', logsOnly)).done);
      if (life.length) dones.push((await bus.publish('lifecycle', life)).done);
      await Promise.all(dones);
    },
    async close() {
      await delivery.close();
      await bus.close();
      store.close();
    },
  };
}

async function metric(name: string, sink: string): Promise<number> {
  const m = (await register.getSingleMetric(name)?.get())?.values.find((v) => v.labels.sink === sink);
  return m?.value ?? 0;
}

describe.each(['daily', 'data_stream'] as const)('index_mode: %s', (m) => {
  beforeAll(() => (mode = m));

  test('bulk: ECS documents with _id = event id, lifecycle in its own index, template installed', async () => {
    const r = rig();
    const web = container('web');
    const events: LookoutEvent[] = [
      ...Array.from({ length: 50 }, (_, i) => logLine(web, i)),
      logLine(web, 50, {
        message: '{"level":"error","msg":"boom","user":{"id":7}}',
        level: 'error',
        fields: { level: 'error', msg: 'boom', user: { id: 7 } },
        stream: 'stderr',
      }),
      lifecycle(web, 'die', 1_764_000_000_500),
    ];
    await r.publish(events);
    expect(await es.count(r.logsAt)).toBe(51);
    expect(await es.count(r.lifecycleAt)).toBe(1);
    const ids = await es.ids(r.logsAt);
    for (let i = 0; i <= 50; i++) expect(ids.has(logLine(web, i).id)).toBe(true);
    const [hit] = await es.search(r.logsAt, { ids: { values: [logLine(web, 50).id] } });
    const doc = hit!._source;
    expect(doc['@timestamp']).toBe(new Date(1_764_000_000_050).toISOString());
    expect(doc.message).toContain('boom');
    expect(doc.log.level).toBe('error');
    expect(doc.stream).toBe('stderr');
    expect(doc.host.name).toBe('testhost');
    expect(doc.container).toMatchObject({ id: web.id, name: 'web', image: { name: 'local/busybox:full' } });
    // Dotted label keys are de-dotted: `a.b` beside `a.b.c` would be a mapping conflict.
    expect(doc.container.labels.com_docker_compose_project).toBe('shop');
    expect(doc.container.labels.com_docker_compose_project_working_dir).toBe('/srv/shop');
    expect(doc.service.name).toBe('web');
    expect(doc.json).toEqual({ level: 'error', msg: 'boom', user: { id: 7 } });
    const [life] = await es.search(r.lifecycleAt, { match_all: {} });
    expect(life!._source.event.action).toBe('die');
    expect(life!._source.process.exit_code).toBe(137);
    if (es.standin)
      expect([...es.standin.templates.keys()]).toEqual(
        expect.arrayContaining([`lookout-${r.logs}`, `lookout-${r.lifecycleIndex}`]),
      );
    // The default mode writes data streams, made by the template lookout installs.
    if (es.standin && mode === 'data_stream')
      expect([r.logs, r.lifecycleIndex].map((d) => es.standin!.dataStreams.streams.has(d))).toEqual([
        true,
        true,
      ]);
    await r.close();
  });

  test('replay: the same batch again is a no-op by _id (409 counts as delivered)', async () => {
    const r = rig();
    const c = container('api');
    const batch = Array.from({ length: 200 }, (_, i) => logLine(c, i));
    await r.publish(batch);
    await r.publish(batch);
    await r.publish(batch.slice(100));
    expect(await es.count(r.logsAt)).toBe(200);
    expect(fs.existsSync(r.deadLetterFile)).toBe(false);
    expect(await metric('lookout_sink_delivered_events_total', `es${n}`)).toBe(500);
    const byKind = (
      await register.getSingleMetric('lookout_sink_delivered_events_by_kind_total')?.get()
    )?.values.filter((v) => v.labels.sink === `es${n}`);
    expect(byKind?.map((v) => [v.labels.kind, v.value])).toEqual([['log', 500]]);
    await r.close();
  });

  test('mapping clash: the clashing document is dead-lettered with its reason, the rest of the batch and later batches arrive', async () => {
    const r = rig();
    const c = container('worker');
    const first = logLine(c, 0, { fields: { user: { id: 1 } } });
    const clash = logLine(c, 1, { fields: { user: 'bob' } });
    const rest = Array.from({ length: 20 }, (_, i) => logLine(c, i + 2, { fields: { user: { id: i } } }));
    await r.publish([first]);
    await r.publish([clash, ...rest]);
    await r.publish([logLine(c, 100)]);
    expect(await es.count(r.logsAt)).toBe(22);
    const lines = fs
      .readFileSync(r.deadLetterFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { reason: string; event: { id: string } });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.event.id).toBe(clash.id);
    expect(lines[0]!.reason).toMatch(/^400 .*(parsing|mapper).*user/);
    expect(await metric('lookout_sink_dead_lettered_total', `es${n}`)).toBe(1);
    await r.close();
  });

  test('bad input: a 1 MiB line and a line of invalid UTF-8 are indexed whole', async () => {
    const r = rig();
    const c = container('noisy');
    const big = logLine(c, 0, { message: 'x'.repeat(1024 * 1024) });
    const bad = logLine(c, 1, { message: 'caf\uFFFD \uFFFD\uFFFD end', invalidUtf8: true });
    await r.publish([big, bad, logLine(c, 2)]);
    const hits = await es.search(r.logsAt, { ids: { values: [big.id, bad.id] } });
    const byId = new Map(hits.map((h) => [h._id, h._source]));
    expect((byId.get(big.id)!.message as string).length).toBe(1024 * 1024);
    expect(byId.get(bad.id)!.message).toBe('caf\uFFFD \uFFFD\uFFFD end');
    expect(byId.get(bad.id)!.tags).toEqual(['invalid_utf8']);
    expect(await es.count(r.logsAt)).toBe(3);
    await r.close();
  });

  if (es_standin_available()) {
    test('429 and 5xx: refused items and throttled requests are retried until every document is in, exactly once', async () => {
      const r = rig();
      const s = es.standin!;
      const c = container('busy');
      const refusedOnce = new Set<string>();
      s.itemFault = (_doc, id) => {
        const k = Number(id.split(':').at(-1));
        if (k % 3 === 0 && !refusedOnce.has(id)) {
          refusedOnce.add(id);
          return k % 2 === 0 ? 429 : 503;
        }
        return undefined;
      };
      s.reject429Requests = 2;
      const before = s.stats.rejected429;
      await r.publish(Array.from({ length: 300 }, (_, i) => logLine(c, i)));
      await waitFor('all 300 documents', async () => (await es.count(r.logsAt)) === 300);
      expect(refusedOnce.size).toBe(100);
      expect(s.stats.rejected429 - before).toBe(50);
      expect(await metric('lookout_sink_retries_total', `es${n}`)).toBeGreaterThanOrEqual(1);
      expect(fs.existsSync(r.deadLetterFile)).toBe(false);
      await waitFor('spool drained', () => r.delivery.state()[0]!.spooledEvents === 0);
      s.itemFault = undefined;
      await r.close();
    });

    test('cluster down at start: the template is installed once it is back, before documents flow again', async () => {
      const s = es.standin!;
      await s.stop();
      const clock = new ManualClock(Date.now());
      const r = rig({}, clock);
      await r.publish([logLine(container('late'), 0)]); // acknowledged from the spool
      clock.advance(61_000);
      await s.start();
      await waitFor('document after the outage', async () => (await es.count(r.logsAt)) === 1);
      expect(s.templates.has(`lookout-${r.logs}`)).toBe(true);
      await r.close();
    });

    test('template refused (no privilege): a warning, and documents still flow', async () => {
      es.standin!.forbidTemplates = true;
      const r = rig();
      await r.publish([logLine(container('x'), 0)]);
      expect(await es.count(r.logsAt)).toBe(1);
      es.standin!.forbidTemplates = false;
      await r.close();
    });
  }
});

function es_standin_available(): boolean {
  return !process.env.ELASTICSEARCH_URL;
}
