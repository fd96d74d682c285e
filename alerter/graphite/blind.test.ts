import { BlindWatch } from './blind';

describe('BlindWatch', () => {
  const fire = (w: BlindWatch, rule: string, times: number, now = 0) => {
    let out: ReturnType<BlindWatch['failed']> = [];
    for (let i = 0; i < times; i++) out = out.concat(w.failed(rule, 'a.b', 'refused', now + i));
    return out;
  };

  it('fires once after `after` failures and resolves on the first good answer', () => {
    const w = new BlindWatch(3);
    const fired = fire(w, 'r', 5);
    expect(fired.map((t) => t.to)).toEqual(['firing']);
    expect(w.ok('r', 10).map((t) => [t.from, t.to, t.alert.key])).toEqual([
      ['firing', 'resolved', fired[0]!.alert.key],
    ]);
    expect(w.ok('r', 11)).toEqual([]);
  });

  it('an adopted meta-alert is not fired again by more failures, and the first good answer resolves it', () => {
    const old = new BlindWatch(3);
    const [fired] = fire(old, 'r', 3);
    const w = new BlindWatch(3);
    w.adopt('r', fired!.alert);
    expect(fire(w, 'r', 4, 100)).toEqual([]);
    const [resolved] = w.ok('r', 200);
    expect(resolved).toMatchObject({ from: 'firing', to: 'resolved', at: 200 });
    expect(resolved!.alert).toMatchObject({ key: fired!.alert.key, state: 'resolved', resolvedAt: 200 });
  });

  it('a dropped rule (moved to another replica) is forgotten without a transition', () => {
    const w = new BlindWatch(2);
    fire(w, 'r', 2);
    fire(w, 's', 1);
    expect(w.rules().sort()).toEqual(['r', 's']);
    w.drop('r');
    expect(w.rules()).toEqual(['s']);
    expect(w.ok('r', 5)).toEqual([]);
    expect(w.forget(new Set(), 6)).toEqual([]);
  });
});
