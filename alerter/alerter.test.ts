import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MemoryBus } from '../core/bus/memory';
import { ManualClock } from '../core/clock';
import { silentLogger } from '../core/logger';
import { StateStore } from '../core/store/store';
import { alerterConfigSchema, createAlerter, explain, type Alerter } from './alerter';
import { eventually, heartbeat, life, metric, T0 } from './testing/fixtures';
import type { AlertTransition } from './types';

const RULES = `rules:
  - name: crash
    kind: lifecycle
    condition: crash_loop
    count: 3
    window: 5m
    summary: '{{ container }} crash loop'
  - name: hot
    kind: threshold
    metric: cpu.percent
    window: 10s
    threshold: 80
    for: 1m
    summary: '{{ container }} hot'
`;

describe('alerter', () => {
  let dir: string;
  let store: StateStore;
  let clock: ManualClock;
  let bus: MemoryBus;
  let got: AlertTransition[];
  const alerters: Alerter[] = [];

  const start = (onTransitions?: (t: AlertTransition[]) => Promise<void>): Alerter => {
    const a = createAlerter({
      bus,
      store,
      clock,
      logger: silentLogger(),
      config: alerterConfigSchema.parse({
        rules: [dir],
        eval_interval: '1h',
        reload_on_sighup: false,
        reload_debounce: '50ms',
      }),
      onTransitions: onTransitions ?? ((t) => Promise.resolve(void got.push(...t))),
    });
    alerters.push(a);
    return a;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alerter-'));
    fs.writeFileSync(path.join(dir, 'main.yaml'), RULES);
    store = StateStore.open(path.join(dir, 'state', 'lookout.db'));
    clock = new ManualClock(T0);
    bus = new MemoryBus();
    got = [];
  });

  afterEach(async () => {
    for (const a of alerters.splice(0)) await a.stop();
    await bus.close();
    store.close();
  });

  const crash = async (at: number): Promise<void> => {
    clock.set(T0 + at);
    const { done } = await bus.publish('lifecycle', [life(at, 'die', 'web', { exitCode: 1 }) as never]);
    await done;
  };

  it('fires through the bus and does not re-page after a restart', async () => {
    const a = start();
    await crash(0);
    await crash(1000);
    await crash(2000);
    expect(got.map((t) => `${t.alert.rule} ${t.from}->${t.to}`)).toEqual(['crash inactive->firing']);
    const key = got[0]!.alert.key;
    await a.stop();

    got = [];
    const b = start();
    clock.set(T0 + 3000);
    await b.tick();
    expect(got).toEqual([]);
    expect([...b.engine.runtime('crash')!.groups.values()].map((g) => [g.dedup, g.alert.state])).toEqual([
      [key, 'firing'],
    ]);
    // Once the windows have refilled (5m) without crashes, it resolves, once.
    clock.set(T0 + 6 * 60_000);
    await b.tick();
    expect(got.map((t) => `${t.alert.key === key} ${t.from}->${t.to}`)).toEqual(['true firing->resolved']);
  });

  it('a pending alert keeps its start across a restart', async () => {
    const a = start();
    for (let t = 0; t <= 30_000; t += 1000) {
      clock.set(T0 + t);
      await (
        await bus.publish('metric', [metric(t, 'cpu.percent', 95) as never])
      ).done;
    }
    expect(got.map((t) => t.to)).toEqual(['pending']);
    await a.stop();
    got = [];
    const b = start();
    for (let t = 31_000; t <= 60_000; t += 1000) {
      clock.set(T0 + t);
      await (
        await bus.publish('metric', [metric(t, 'cpu.percent', 95) as never])
      ).done;
    }
    expect(got.map((t) => `${t.from}->${t.to} activeAt=${t.alert.activeAt! - T0}`)).toEqual([
      'pending->firing activeAt=0',
    ]);
    await b.idle();
  });

  it('retries transitions that onTransitions could not take', async () => {
    let fail = true;
    const a = start((t) => {
      if (fail) return Promise.reject(new Error('outbox down'));
      got.push(...t);
      return Promise.resolve();
    });
    await crash(0);
    await crash(1000);
    await crash(2000);
    expect(got).toEqual([]);
    fail = false;
    await a.tick();
    expect(got.map((t) => t.to)).toEqual(['firing']);
  });

  it('a broken edit keeps the last good rules; a good edit is picked up from the folder watch', async () => {
    const a = start();
    fs.writeFileSync(path.join(dir, 'main.yaml'), RULES.replace('kind: threshold', 'kind: treshold'));
    const r = await a.reload();
    expect(r.ok).toBe(false);
    expect(r.problems[0]!.message).toMatch(/did you mean "threshold"/);
    expect(a.engine.rules().map((x) => x.name)).toEqual(['crash', 'hot']);
    await crash(0);
    await crash(1000);
    await crash(2000);
    expect(got.map((t) => t.to)).toEqual(['firing']);

    fs.writeFileSync(
      path.join(dir, 'extra.yaml'),
      'rules:\n  - {name: sick, kind: lifecycle, condition: unhealthy, summary: s}\n',
    );
    fs.writeFileSync(path.join(dir, 'main.yaml'), RULES);
    await eventually('the watch reload', () => a.engine.rules().some((x) => x.name === 'sick'), 60_000);
    // The unchanged rule kept its state: no second page.
    expect(got.map((t) => t.to)).toEqual(['firing']);
    expect([...a.engine.runtime('crash')!.groups.values()][0]!.alert.state).toBe('firing');
  });

  it('remembers the hosts it expects heartbeats from across a restart', async () => {
    fs.writeFileSync(
      path.join(dir, 'hb.yaml'),
      'rules:\n  - {name: silent, kind: absence, of: heartbeat, after: 1m, summary: s}\n',
    );
    const a = start();
    await (
      await bus.publish('heartbeat', [heartbeat(0, 'h7') as never])
    ).done;
    clock.set(T0 + 20_000);
    await a.tick();
    await a.stop();
    // h7 never sends again: the new alerter must still miss it.
    got = [];
    const b = start();
    clock.set(T0 + 30_000);
    await b.tick();
    clock.set(T0 + 95_000);
    await b.tick();
    expect(got.map((t) => `${t.alert.rule} ${t.alert.labels.host} ${t.to}`)).toEqual(['silent h7 firing']);
  });

  it('a rule removed by a reload resolves its firing alerts', async () => {
    const a = start();
    await crash(0);
    await crash(1000);
    await crash(2000);
    fs.writeFileSync(
      path.join(dir, 'main.yaml'),
      RULES.split('  - name: hot')[0]!.replace('name: crash', 'name: crash2'),
    );
    expect((await a.reload()).ok).toBe(true);
    expect(got.map((t) => `${t.alert.rule} ${t.from}->${t.to}`)).toEqual([
      'crash inactive->firing',
      'crash firing->resolved',
    ]);
  });

  it('reloads on SIGHUP', async () => {
    const a = createAlerter({
      bus,
      store,
      clock,
      logger: silentLogger(),
      config: alerterConfigSchema.parse({ rules: [dir], eval_interval: '1h', watch: false }),
      onTransitions: () => Promise.resolve(),
    });
    alerters.push(a);
    fs.writeFileSync(
      path.join(dir, 'more.yaml'),
      'rules:\n  - {name: sick, kind: lifecycle, condition: unhealthy, summary: s}\n',
    );
    // process.emit runs the listeners without sending a real signal to the test worker.
    process.emit('SIGHUP', 'SIGHUP');
    await eventually('the SIGHUP reload', () => a.engine.rules().some((x) => x.name === 'sick'), 60_000);
  });

  it('explain shows the condition and the recorded transitions with their values', async () => {
    const a = start();
    await crash(0);
    await crash(1000);
    await crash(2000);
    await a.idle();
    const text = await explain({ rules: [dir], target: 'crash', store });
    expect(text).toContain('rule crash (lifecycle, warning)');
    expect(text).toContain('condition: crash_loop: deaths (not by a user) in 5m, fires at 3');
    expect(text).toMatch(/inactive -> firing: 3 deaths/);
  });
});
