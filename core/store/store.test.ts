import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StateStore } from './store';

describe('StateStore', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-store-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps namespaced values across reopen, in WAL mode', () => {
    const file = path.join(dir, 'nested', 'state.db');
    const a = StateStore.open(file);
    expect(a.db.pragma('journal_mode', { simple: true })).toBe('wal');
    a.put('alerts', 'k1', { state: 'firing', since: 5 });
    a.put('alerts', 'k2', { state: 'pending' });
    a.put('other', 'k1', 1);
    a.close();
    const b = StateStore.open(file);
    expect(b.get('alerts', 'k1')).toEqual({ state: 'firing', since: 5 });
    expect(b.list('alerts').map((r) => r.key)).toEqual(['k1', 'k2']);
    b.delete('alerts', 'k1');
    expect(b.get('alerts', 'k1')).toBeUndefined();
    b.close();
  });

  it('runs a migration once per file and rolls back a failed transaction', () => {
    const s = StateStore.open(':memory:');
    s.migrate('t1', 'CREATE TABLE t (x INTEGER)');
    s.migrate('t1', 'CREATE TABLE t (x INTEGER)'); // would throw if run twice
    expect(() =>
      s.tx(() => {
        s.db.prepare('INSERT INTO t VALUES (1)').run();
        throw new Error('crash mid-way');
      }),
    ).toThrow('crash mid-way');
    expect(s.db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 0 });
    expect(s.sizeBytes()).toBeGreaterThan(0);
    s.close();
  });

  it('says which folder it could not create', () => {
    fs.writeFileSync(path.join(dir, 'file'), '');
    expect(() => StateStore.open(path.join(dir, 'file', 'sub', 'state.db'))).toThrow(
      /cannot create the state folder .*file\/sub/,
    );
  });
});
