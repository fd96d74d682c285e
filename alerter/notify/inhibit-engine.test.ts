import { makeAlert } from '../../test/notify/fixtures';
import { DEFAULT_INHIBIT_RULES } from './config';
import { compileInhibitRules, inhibitedBy } from './inhibit';

/** The default that keeps a dead Docker engine to one page (issue 13). */
describe('docker_engine_down inhibits the container alerts it causes', () => {
  const rules = compileInhibitRules(DEFAULT_INHIBIT_RULES);
  const engineDown = makeAlert({ rule: 'docker_engine_down', labels: { host: 'h1' } });
  const containerDown = makeAlert({
    rule: 'container_down',
    labels: { host: 'h1', container: 'web-1', service: 'web' },
  });

  it('mutes a container alert on the same host', () => {
    const by = inhibitedBy(rules, [engineDown, containerDown], containerDown);
    expect(by && DEFAULT_INHIBIT_RULES[by.rule]!.name).toBe('engine down');
    expect(by?.by).toBe(engineDown.key);
  });

  it('leaves another host, and the engine alert itself, alone', () => {
    const elsewhere = makeAlert({
      rule: 'container_down',
      labels: { host: 'h2', container: 'web-1', service: 'web' },
    });
    expect(inhibitedBy(rules, [engineDown, elsewhere], elsewhere)).toBeUndefined();
    expect(inhibitedBy(rules, [engineDown, containerDown], engineDown)).toBeUndefined();
  });
});
