import { engineFor, metric, run } from '../../testing/fixtures';

const rule = (body: string): string => `rules:\n  - name: r\n    summary: s\n${body.replace(/^/gm, '    ')}`;

describe('graphite rules and generated summaries', () => {
  it('a graphite rule labels each instance from its series name and tags', () => {
    const { engine, clock } = engineFor(
      rule(
        'kind: graphite\ntarget: \'seriesByTag("name=lat")\'\nseries_labels: {service: 1, host: -1, dc: dc}\nwindow: 5s\nthreshold: 1',
      ),
    );
    run(
      engine,
      clock,
      [metric(0, 'graphite:seriesByTag("name=lat")', 5, 'web', { series: 'app.shop.h7', dc: 'eu' })],
      0,
    );
    const groups = [...engine.runtime('r')!.groups.values()];
    expect(groups.map((g) => g.labels)).toEqual([
      { series: 'app.shop.h7', service: 'shop', host: 'h7', dc: 'eu' },
    ]);
  });

  it('a rule without a summary gets one generated from its name, subject and threshold', () => {
    const { engine, clock } = engineFor(
      'rules:\n  - name: hot\n    kind: threshold\n    metric: cpu.percent\n    window: 5s\n    threshold: 1',
    );
    clock.set(1_700_000_000_000);
    const t = engine.ingest([metric(0, 'cpu.percent', 12.345)]);
    expect(t[0]!.alert.summary).toBe('hot on web: 12.35 > 1');
  });
});
