import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { graphiteRenderUrl } from '../../alerter/links';
import { readConfig } from '../../cli/config';

/**
 * A page's render image and dashboard links must name the series the configured sinks write;
 * the README's minimal config ships metrics through StatsD only.
 */
describe('links follow the metric sinks unless set', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-scheme-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const config = (yaml: string) => {
    const file = path.join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
    fs.writeFileSync(file, yaml);
    return readConfig(file, {}).notify.links;
  };

  it.each([
    [
      'statsd only',
      `sinks:\n  - { type: statsd, address: '127.0.0.1:8125', prefix: shop }\n`,
      'statsd',
      'shop',
    ],
    [
      'graphite only',
      `sinks:\n  - { type: graphite, address: '127.0.0.1:2003', prefix: fleet }\n`,
      'carbon',
      'fleet',
    ],
    [
      'both: carbon wins (sample times exact)',
      `sinks:\n  - { type: statsd, address: '127.0.0.1:8125' }\n  - { type: graphite, address: '127.0.0.1:2003' }\n`,
      'carbon',
      'lookout',
    ],
    ['no metric sink', `sinks:\n  - { type: stdout }\n`, 'carbon', 'lookout'],
    [
      'set explicitly: kept',
      `sinks:\n  - { type: statsd, address: '127.0.0.1:8125' }\nnotify:\n  links:\n    graphite: { via: carbon, prefix: custom }\n`,
      'carbon',
      'custom',
    ],
  ])('%s', (_name, yaml, via, prefix) => {
    const links = config(yaml);
    expect(links.graphite.via).toBe(via);
    expect(links.graphite.prefix).toBe(prefix);
  });

  it('the render URL of a StatsD-only setup names the stats.gauges series', () => {
    const links = config(
      `sinks:\n  - { type: statsd, address: '127.0.0.1:8125' }\nnotify:\n  links:\n    graphite_url: http://graphite.example\n`,
    );
    const t = Date.UTC(2026, 10, 25, 12);
    const url = graphiteRenderUrl(
      {
        labels: { host: 'web01', container: 'api-1' },
        metric: 'cpu.percent',
        firedAt: t,
        activeAt: t,
        value: 97,
      } as never,
      links,
      t,
    );
    expect(decodeURIComponent(url!)).toContain('stats.gauges.lookout.web01.api-1.cpu.percent');
  });
});
