import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import { AlertStore } from '../engine/persist';
import { alerterMetrics } from '../engine/metrics';
import { engineFor, heartbeat } from '../testing/fixtures';
import type { AlertTransition } from '../types';
import { TransitionDelivery } from './delivery';
import { RuleReloader } from './reload';

const rule = (name: string) =>
  `rules:\n  - {name: ${name}, kind: lifecycle, condition: oom_killed, group_by: [container], summary: s}\n`;

describe('RuleReloader', () => {
  it('keeps the last good rules on a broken edit and reports it; a good edit replaces them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reload-'));
    const file = path.join(dir, 'r.yaml');
    const { engine } = engineFor(rule('a'));
    engine.ingest([heartbeat(0)]);
    const store = StateStore.open(':memory:');
    const got: AlertTransition[] = [];
    const delivery = new TransitionDelivery({
      engine,
      alertStore: new AlertStore(store),
      clock: new ManualClock(0),
      log: silentLogger(),
      historyLimit: 10,
      onTransitions: (t) => Promise.resolve(void got.push(...t)),
    });
    const r = new RuleReloader([file], { latenessMs: 0 }, engine, delivery, silentLogger());
    fs.writeFileSync(file, 'rules:\n  - {name: b, kind: nope, summary: s}\n');
    const bad = await r.reload();
    expect(bad).toMatchObject({ ok: false, rules: 1 });
    expect(bad.problems.length).toBeGreaterThan(0);
    expect(engine.rules().map((x) => x.name)).toEqual(['a']);
    expect((await alerterMetrics.lastReloadOk.get()).values[0]?.value).toBe(0);
    fs.writeFileSync(file, rule('b'));
    expect(await r.reload()).toEqual({ ok: true, rules: 1, problems: [] });
    expect((await alerterMetrics.lastReloadOk.get()).values[0]?.value).toBe(1);
    expect(engine.rules().map((x) => x.name)).toEqual(['b']);
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
