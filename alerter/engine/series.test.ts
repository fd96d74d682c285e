import { engineFor, metric, T0 } from '../testing/fixtures';
import { compileRules } from '../rules/compile';
import { loadRuleText } from '../rules/load';
import { SeriesIndex } from './series';

const getter =
  (labels: Record<string, string>) =>
  (n: string): string =>
    labels[n] ?? '';

describe('SeriesIndex', () => {
  it('looks an event up once per group_by, and finds the same record for the same series later', () => {
    const idx = new SeriesIndex();
    const by = ['host', 'container'];
    idx.next();
    const a = idx.record(0, by, getter({ host: 'h1', container: 'web' }));
    // Same event, same group_by: the cached record, whatever the getter says now.
    expect(idx.record(0, by, getter({ host: 'h2', container: 'db' }))).toBe(a);
    idx.next();
    expect(idx.record(0, by, getter({ host: 'h2', container: 'db' }))).not.toBe(a);
    idx.next();
    expect(idx.record(0, by, getter({ host: 'h1', container: 'web' }))).toBe(a);
    expect(a.key).toBe('h1\u001fweb');
  });

  it("keeps a series' records per scope (metric name), and prunes them all", () => {
    const idx = new SeriesIndex();
    const web = getter({ container: 'web' });
    idx.next(true, 'cpu.percent');
    const cpu = idx.record(0, ['container'], web);
    idx.next(true, 'mem.percent');
    const mem = idx.record(0, ['container'], web);
    expect(mem).not.toBe(cpu);
    idx.next(true, 'cpu.percent');
    expect(idx.record(0, ['container'], web)).toBe(cpu);
    const [gCpu, gMem] = [{ live: false }, { live: false }];
    SeriesIndex.remember(cpu, idx, gCpu);
    SeriesIndex.remember(mem, idx, gMem);
    idx.prune();
    expect([cpu.pairs, mem.pairs]).toEqual([[], []]);
  });

  it("finds an owner's group, not another owner's, and drops a group its rule forgot", () => {
    const idx = new SeriesIndex();
    idx.next();
    const rec = idx.record(0, ['container'], getter({ container: 'web' }));
    const ruleA = {};
    const ruleB = {};
    const gA = { live: true };
    const gB = { live: true };
    SeriesIndex.remember(rec, ruleA, gA);
    SeriesIndex.remember(rec, ruleB, gB);
    expect(SeriesIndex.find(rec, ruleA)).toBe(gA);
    expect(SeriesIndex.find(rec, ruleB)).toBe(gB);
    expect(SeriesIndex.find(rec, {})).toBeUndefined();
    gA.live = false;
    // Another owner's look does not read gA (nor drop it); its owner's look drops it.
    expect(SeriesIndex.find(rec, ruleB)).toBe(gB);
    expect(rec.pairs).toEqual([ruleA, gA, -1, undefined, ruleB, gB, -1, undefined]);
    expect(SeriesIndex.find(rec, ruleA)).toBeUndefined();
    expect(rec.pairs).toEqual([ruleB, gB, -1, undefined]);
    // A reload drops the pairs of the groups it let go, whoever looks next.
    gB.live = false;
    idx.prune();
    expect(rec.pairs).toEqual([]);
  });

  it('a sweep forgets series whose groups are all gone, once enough piled up', () => {
    const idx = new SeriesIndex();
    const add = (n: number) => {
      const out = [];
      for (let i = 0; i < n; i++) {
        idx.next();
        const g = { live: true };
        SeriesIndex.remember(
          idx.record(0, ['container'], getter({ container: `c${out.length}-${n}` })),
          idx,
          g,
        );
        out.push(g);
      }
      return out;
    };
    for (const g of add(100)) g.live = false;
    idx.sweep();
    // Too few to be worth a sweep.
    expect(idx.recordCount).toBe(100);
    const many = add(5_000);
    for (const g of many.slice(0, 4_000)) g.live = false;
    idx.sweep();
    expect(idx.recordCount).toBe(1_000);
  });
});

describe('SeriesIndex keyed on the last label', () => {
  it('tells apart series that share the last value (one container name on three hosts), and sweeps each', () => {
    const idx = new SeriesIndex();
    const by = ['host', 'container'];
    const recs = ['h1', 'h2', 'h3'].map((host) => {
      idx.next();
      return idx.record(0, by, getter({ host, container: 'web' }));
    });
    expect(new Set(recs).size).toBe(3);
    expect(recs.map((r) => r.key)).toEqual(['h1\u001fweb', 'h2\u001fweb', 'h3\u001fweb']);
    ['h2', 'h1', 'h3'].forEach((host) => {
      idx.next();
      expect(idx.record(0, by, getter({ host, container: 'web' }))).toBe(recs[Number(host[1]) - 1]);
    });
    const groups = recs.map((rec) => {
      const g = { live: true };
      SeriesIndex.remember(rec, idx, g);
      return g;
    });
    // The middle of the chain goes: the others stay findable.
    groups[1]!.live = false;
    for (let i = 0; i < 5_000; i++) {
      idx.next();
      idx.record(0, by, getter({ host: 'h9', container: `filler${i}` }));
    }
    idx.sweep();
    expect(idx.recordCount).toBe(2);
    for (const [host, at] of [
      ['h1', 0],
      ['h3', 2],
    ] as const) {
      idx.next();
      expect(idx.record(0, by, getter({ host, container: 'web' }))).toBe(recs[at]);
    }
    idx.next();
    expect(recs).not.toContain(idx.record(0, by, getter({ host: 'h2', container: 'web' })));
  });

  it('three labels: all but the last are compared; none: one record', () => {
    const idx = new SeriesIndex();
    const by = ['a', 'b', 'c'];
    idx.next();
    const x = idx.record(0, by, getter({ a: '1', b: '2', c: '3' }));
    idx.next();
    const y = idx.record(0, by, getter({ a: '1', b: '9', c: '3' }));
    idx.next();
    expect(idx.record(0, by, getter({ a: '1', b: '2', c: '3' }))).toBe(x);
    expect(y).not.toBe(x);
    idx.next();
    const none = idx.record(1, [], getter({ a: '1' }));
    idx.next();
    expect(idx.record(1, [], getter({ a: '2' }))).toBe(none);
  });
});

describe('the engine through its series shortcuts', () => {
  const rules = (threshold: number) =>
    compileRules(
      loadRuleText(
        'r.yaml',
        `rules:\n  - {name: hot, kind: threshold, metric: cpu.percent, reduce: last, window: 10s, threshold: ${threshold}, summary: s}\n`,
      ).rules,
      { latenessMs: 0 },
    );

  it("a changed rule evaluates with its new groups, not the old rule version's", () => {
    const { engine, clock } = engineFor('rules: []');
    engine.setRules(rules(80));
    expect(engine.ingest([metric(0, 'cpu.percent', 60)])).toEqual([]);
    clock.advance(1_000);
    engine.setRules(rules(50));
    const t = engine.ingest([metric(1_000, 'cpu.percent', 60)]);
    expect(t.map((x) => `${x.from}->${x.to} ${x.alert.value}`)).toEqual(['inactive->firing 60']);
    expect([...engine.runtime('hot')!.groups.values()][0]!.alert.state).toBe('firing');
  });

  it('a group forgotten while idle starts afresh when its series comes back', () => {
    const { engine, clock } = engineFor(
      'rules:\n  - {name: hot, kind: threshold, metric: cpu.percent, reduce: last, window: 10s, threshold: 80, summary: s}\n',
    );
    expect(engine.ingest([metric(0, 'cpu.percent', 95)]).map((x) => x.to)).toEqual(['firing']);
    clock.advance(1_000);
    expect(engine.ingest([metric(1_000, 'cpu.percent', 10)]).map((x) => x.to)).toEqual(['resolved']);
    // Resolved alerts stay 15 minutes; then the idle group is forgotten.
    clock.advance(16 * 60_000);
    engine.tick();
    expect(engine.groupCount()).toBe(0);
    const back = engine.ingest([metric(clock.now() - T0, 'cpu.percent', 95)]);
    // A new group: the forgotten one would have gone resolved->firing.
    expect(back.map((x) => `${x.from}->${x.to}`)).toEqual(['inactive->firing']);
    expect(engine.groupCount()).toBe(1);
  });
});
