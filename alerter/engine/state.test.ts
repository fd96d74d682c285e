import { step, dedupKey, type InstanceState, type Timing } from './state';

const T: Timing = { forMs: 10_000, keepFiringForMs: 0, onNoData: 'keep' };
type Row = [string, Timing, Array<[number, boolean | undefined]>, string[]];

describe('alert state machine', () => {
  const table: Row[] = [
    [
      'fires after `for` of continuous truth',
      T,
      [
        [0, true],
        [5_000, true],
        [10_000, true],
      ],
      ['0 inactive->pending', '10000 pending->firing'],
    ],
    [
      'a break during `for` starts over',
      T,
      [
        [0, true],
        [5_000, false],
        [6_000, true],
        [15_000, true],
        [16_000, true],
      ],
      ['0 inactive->pending', '5000 pending->inactive', '6000 inactive->pending', '16000 pending->firing'],
    ],
    [
      'for 0 fires at once',
      { ...T, forMs: 0 },
      [
        [0, true],
        [1_000, false],
      ],
      ['0 inactive->firing', '1000 firing->resolved'],
    ],
    [
      'keep_firing_for rides out a dip',
      { ...T, forMs: 0, keepFiringForMs: 5_000 },
      [
        [0, true],
        [1_000, false],
        [3_000, true],
        [4_000, false],
        [7_000, false],
        [8_000, false],
      ],
      ['0 inactive->firing', '8000 firing->resolved'],
    ],
    [
      'resolved can fire again',
      { ...T, forMs: 0 },
      [
        [0, true],
        [1_000, false],
        [2_000, true],
      ],
      ['0 inactive->firing', '1000 firing->resolved', '2000 resolved->firing'],
    ],
    [
      'no data, keep: stays firing',
      { ...T, forMs: 0 },
      [
        [0, true],
        [1_000, undefined],
      ],
      ['0 inactive->firing'],
    ],
    [
      'no data, resolve',
      { ...T, forMs: 0, onNoData: 'resolve' },
      [
        [0, true],
        [1_000, undefined],
      ],
      ['0 inactive->firing', '1000 firing->resolved'],
    ],
    [
      'no data, fire (after for)',
      { ...T, onNoData: 'fire' },
      [
        [0, undefined],
        [10_000, undefined],
      ],
      ['0 inactive->pending', '10000 pending->firing'],
    ],
  ];
  it.each(table)('%s', (_name, timing, obs, want) => {
    const a: InstanceState = { state: 'inactive' };
    const got: string[] = [];
    for (const [at, active] of obs) {
      const from = step(
        a,
        { value: active === undefined ? undefined : 1, active: active ?? false },
        at,
        timing,
      );
      if (from !== undefined) got.push(`${at} ${from}->${a.state}`);
    }
    expect(got).toEqual(want);
  });

  it('keeps activeAt from pending into firing', () => {
    const a: InstanceState = { state: 'inactive' };
    step(a, { value: 1, active: true }, 100, T);
    step(a, { value: 1, active: true }, 10_100, T);
    expect(a).toMatchObject({ state: 'firing', activeAt: 100, firedAt: 10_100 });
  });

  it('dedup key depends on rule and group labels only, not their order', () => {
    expect(dedupKey('r', { a: '1', b: '2' })).toBe(dedupKey('r', { b: '2', a: '1' }));
    expect(dedupKey('r', { a: '1' })).not.toBe(dedupKey('r2', { a: '1' }));
    expect(dedupKey('r', { a: '1' })).toMatch(/^[0-9a-f]{32}$/);
  });
});
