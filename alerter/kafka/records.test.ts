import { inventoryEntries, readLoaded, RESOLVED_KEEP_MS, toldEntry } from './records';

const ref = (key: string) => ({ key, rule: 'silent', groupLabels: { host: key }, routingKey: key });

describe('state topic records', () => {
  it('writes inventory removals before additions, so one forgotten and made again stays', () => {
    const out = inventoryEntries({ add: [ref('a')], remove: [ref('a')] });
    expect(out).toEqual([
      { key: 'inv:a', value: null, routingKey: 'a' },
      { key: 'inv:a', value: { ...ref('a'), v: 1 }, routingKey: 'a' },
    ]);
  });

  it('files a delivery record under ntf:<key> in the alert partition', () => {
    const told = { hook: { status: 'firing' as const, incidentKey: 'k', at: 1 } };
    expect(toldEntry('k', told, 'api')).toEqual({
      key: 'ntf:k',
      routingKey: 'api',
      value: { v: 1, routingKey: 'api', receivers: told },
    });
  });

  it('sorts what was loaded: states, inventory, records; old resolved states become tombstones', () => {
    const now = 10 * RESOLVED_KEEP_MS;
    const state = (key: string, extra: object) => ({
      value: { v: 1, key, rule: 'hot', groupLabels: {}, routingKey: 'api', changes: [], ...extra },
    });
    const loaded = new Map<string, { value: unknown }>([
      ['firing', state('firing', { state: 'firing' })],
      ['fresh', state('fresh', { state: 'resolved', resolvedAt: now - 1 })],
      ['old', state('old', { state: 'resolved', resolvedAt: now - RESOLVED_KEEP_MS - 1 })],
      ['inactive', state('inactive', { state: 'inactive' })],
      ['v2', state('v2', { state: 'firing', v: 2 })],
      ['inv:h', { value: { ...ref('h'), v: 1 } }],
      ['ntf:firing', { value: { v: 1, routingKey: 'api', receivers: {} } }],
      ['ntf:gone', { value: null }],
    ]);
    const r = readLoaded(loaded, now);
    expect(r.states.map((s) => s.key)).toEqual(['firing', 'fresh']);
    expect(r.stale).toEqual([{ key: 'old', value: null, routingKey: 'api' }]);
    expect(r.inventory.map((i) => i.key)).toEqual(['h']);
    expect([...r.records.keys()]).toEqual(['firing']);
  });
});
