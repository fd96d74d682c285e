import { ManualClock } from '../../core/clock';
import { compileRules } from '../rules/compile';
import { loadRuleText } from '../rules/load';
import { engineFor, metric, T0 } from '../testing/fixtures';
import { Engine } from './engine';

const HOT = `rules:
  - {name: hot, kind: threshold, metric: cpu.percent, reduce: last, window: 10s, threshold: 80, summary: s}
`;
const compiled = (yaml: string) => compileRules(loadRuleText('r.yaml', yaml).rules, { latenessMs: 0 });

describe('Engine', () => {
  it('an unchanged rule keeps its alerts across setRules; a removed rule resolves its firing ones', () => {
    const { engine, clock } = engineFor(HOT);
    expect(engine.ingest([metric(0, 'cpu.percent', 95)]).map((t) => t.to)).toEqual(['firing']);
    clock.advance(1_000);
    expect(engine.setRules(compiled(HOT))).toEqual([]);
    expect(engine.groupCount()).toBe(1);
    const gone = engine.setRules([]);
    expect(gone.map((t) => `${t.alert.rule} ${t.from}->${t.to}`)).toEqual(['hot firing->resolved']);
  });

  it("a container alert carries its service without keying on it: the container's name settles it", () => {
    const { engine } = engineFor(HOT);
    const t = engine.ingest([metric(0, 'cpu.percent', 95, 'web-1')]);
    expect(t[0]!.alert.labels).toMatchObject({ host: 'h1', container: 'web-1', service: 'web-1' });
    expect([...engine.runtime('hot')!.groups.keys()]).toEqual(['h1\u001fweb-1']);
    // A restored alert (labels with the service) finds the same group.
    const restored = engine.takeChanged()[0]!;
    expect(engine.runtime('hot')!.byLabels(restored.groupLabels)).toBe(
      engine.runtime('hot')!.groups.get('h1\u001fweb-1'),
    );
  });

  it('hands over changed states once, for the store', () => {
    const { engine } = engineFor(HOT);
    engine.ingest([metric(0, 'cpu.percent', 95)]);
    expect(engine.takeChanged().map((p) => [p.rule, p.state, p.routingKey])).toEqual([
      ['hot', 'firing', 'web'],
    ]);
    expect(engine.takeChanged()).toEqual([]);
  });

  it('restores states from the store without a transition and holds them while the window refills', () => {
    const { engine: first } = engineFor(HOT);
    first.ingest([metric(0, 'cpu.percent', 95)]);
    const kept = first.takeChanged();
    const clock = new ManualClock(T0);
    const restored = new Engine({ clock, latenessMs: 0, restore: kept });
    expect(restored.setRules(compiled(HOT))).toEqual([]);
    clock.set(T0 + 5_000);
    expect(restored.tick()).toEqual([]);
    expect(restored.runtime('hot')!.groups.size).toBe(1);
  });

  it('a tick in slices covers every rule once', () => {
    const two = `${HOT.replace('summary: s}', 'on_no_data: resolve, summary: s}')}  - {name: hot2, on_no_data: resolve, kind: threshold, metric: cpu.percent, reduce: last, window: 10s, threshold: 80, summary: s}\n`;
    const { engine, clock } = engineFor(two);
    engine.ingest([metric(0, 'cpu.percent', 95)]);
    clock.advance(20_000);
    const out = [...engine.tickSlice(0, 2), ...engine.tickSlice(1, 2)];
    expect(out.map((t) => `${t.alert.rule} ${t.to}`).sort()).toEqual(['hot resolved', 'hot2 resolved']);
  });

  // A `where` on key labels is tested only for a series new to the rule (CompiledRule.whereByKey).
  const FLEET = `rules:
  - {name: apps, kind: threshold, metric: cpu.percent, reduce: last, window: 10s, threshold: 80, where: {container: {not_regex: 'infra-.*'}}, on_no_data: resolve, summary: s}
  - {name: all, kind: threshold, metric: cpu.percent, reduce: last, window: 10s, threshold: 80, summary: s}
`;

  it('a where on key labels keeps out the series it rejects, sample after sample', () => {
    const { engine, clock } = engineFor(FLEET);
    const fired: string[] = [];
    for (let s = 0; s < 5; s++) {
      clock.set(T0 + s * 1_000);
      const batch = [
        metric(s * 1_000, 'cpu.percent', 95, 'infra-db'),
        metric(s * 1_000, 'cpu.percent', 95, 'web-1'),
      ];
      for (const t of engine.ingest(batch)) fired.push(`${t.alert.rule} ${t.alert.labels.container} ${t.to}`);
    }
    expect(fired.sort()).toEqual(['all infra-db firing', 'all web-1 firing', 'apps web-1 firing']);
    expect([...engine.runtime('apps')!.groups.keys()]).toEqual(['h1\u001fweb-1']);
  });

  it("a restored group the where rejects gets none of its series' samples", () => {
    // Kept by a version of the rule without the where; the new version rejects infra-db.
    const { engine: first } = engineFor(FLEET.replace(", where: {container: {not_regex: 'infra-.*'}}", ''));
    first.ingest([metric(0, 'cpu.percent', 95, 'infra-db')]);
    const kept = first.takeChanged().filter((p) => p.rule === 'apps');
    expect(kept.map((p) => p.state)).toEqual(['firing']);
    const clock = new ManualClock(T0);
    const engine = new Engine({ clock, latenessMs: 0, restore: kept });
    // One rule only, so the engine takes the path without the series index.
    engine.setRules(compiled(FLEET).filter((r) => r.name === 'apps'));
    const seen: string[] = [];
    for (let s = 1; s <= 30; s++) {
      clock.set(T0 + s * 1_000);
      for (const t of [
        ...engine.ingest([metric(s * 1_000, 'cpu.percent', 95, 'infra-db')]),
        ...engine.tick(),
      ])
        seen.push(`${t.alert.labels.container} ${t.from}->${t.to}`);
    }
    // Held while the window refills, then resolved for want of data: its samples never reached it.
    expect(seen).toEqual(['infra-db firing->resolved']);
  });
});
