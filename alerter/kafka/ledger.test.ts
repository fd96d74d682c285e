import type { PersistedAlert } from '../engine/engine';
import type { AlertTransition } from '../types';
import { AlertLedger } from './ledger';

const persisted = (key: string, state: PersistedAlert['state'], routingKey = 'api'): PersistedAlert => ({
  key,
  rule: 'hot',
  groupLabels: { service: routingKey },
  state,
  routingKey,
});
const transition = (key: string, from: string, to: string, at: number) =>
  ({ alert: { key }, from, to, at }) as unknown as AlertTransition;
const note = (key: string, receiver = 'hook', at = 5) => ({
  receiver,
  incidentKey: key,
  at,
  firing: [{ key, firedAt: 1 }],
  resolved: [],
});

describe('AlertLedger', () => {
  it('keeps the announced changes (fire, resolve) as flap history, the last 32', () => {
    const l = new AlertLedger();
    l.noteChanges([transition('a', 'inactive', 'pending', 1), transition('a', 'pending', 'firing', 2)]);
    for (let i = 0; i < 40; i++) l.noteChanges([transition('a', 'firing', 'resolved', 100 + i)]);
    const [entry] = l.entriesOf(persisted('a', 'firing'), []);
    const changes = (entry!.value as { changes: number[] }).changes;
    expect(changes).toHaveLength(32);
    expect(changes.at(-1)).toBe(139);
  });

  it('writes a record of an owned alert at once; one not handed off yet rides with its state', () => {
    const l = new AlertLedger();
    expect([...l.recordDelivery(note('early'))]).toEqual([]);
    const filed: string[] = [];
    const entries = l.entriesOf(persisted('early', 'firing', 'ops'), filed);
    expect(entries.map((e) => e.key)).toEqual(['early', 'ntf:early']);
    expect(filed).toEqual(['early']);
    l.filed(filed);
    expect(l.entriesOf(persisted('early', 'firing', 'ops'), []).map((e) => e.key)).toEqual(['early']);
    expect([...l.recordDelivery(note('early', 'mail'))]).toEqual(['early']);
    expect(l.toldEntries(['early'])[0]!.value).toMatchObject({ receivers: { hook: {}, mail: {} } });
  });

  it('an ended state is a tombstone, its delivery record too', () => {
    const l = new AlertLedger();
    l.entriesOf(persisted('a', 'firing'), []);
    l.recordDelivery(note('a'));
    expect(l.entriesOf(persisted('a', 'inactive'), [])).toEqual([
      { key: 'a', value: null, routingKey: 'api' },
      { key: 'ntf:a', value: null, routingKey: 'api' },
    ]);
  });

  it('adopts states with their records and releases those whose route moved', () => {
    const l = new AlertLedger();
    const told = { hook: { status: 'firing' as const, incidentKey: 'a', at: 3 } };
    const records = new Map([
      ['a', { v: 1 as const, routingKey: 'api', receivers: told }],
      ['gone', { v: 1 as const, routingKey: 'api', receivers: {} }],
    ]);
    l.adopt([{ ...persisted('a', 'firing'), v: 1, changes: [7] }], records);
    expect([...records.keys()]).toEqual(['gone']);
    const alert = { key: 'a' } as never;
    expect(l.adopted(alert)).toEqual({ alert, changes: [7], told });
    expect(l.release((route) => route === 'db')).toEqual([]);
    expect(l.release((route) => route === 'api')).toEqual(['a']);
    expect(l.adopted(alert).told).toEqual({});
  });
});
