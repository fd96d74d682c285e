import type http from 'node:http';
import { Readable } from 'node:stream';
import { ManualClock } from '../../core/clock';
import { StateStore } from '../../core/store/store';
import { AlertStore } from '../engine/persist';
import type { FleetWrites } from '../notify/fleet';
import { migrateNotify } from '../notify/tables';
import { recordDecision } from '../notify/decisions';
import { apiRoutes } from './routes';

const clock = new ManualClock(Date.UTC(2026, 10, 25, 12));
const request = (body: object) =>
  Readable.from([Buffer.from(JSON.stringify(body))]) as unknown as http.IncomingMessage;

describe('apiRoutes', () => {
  let store: StateStore;
  beforeEach(() => {
    store = StateStore.open(':memory:');
    migrateNotify(store);
  });
  afterEach(() => store.close());

  const call = (method: string, path: string, body: object = {}) => {
    const url = new URL(path, 'http://localhost');
    const r = apiRoutes(store, clock).find((x) => x.method === method && x.path.test(url.pathname))!;
    const params = r.path.exec(url.pathname)!.slice(1);
    return Promise.resolve(r.handle(request(body), params, url));
  };

  it('writes are the routes that change something', () => {
    expect(
      apiRoutes(store, clock)
        .filter((r) => r.write)
        .map((r) => r.method),
    ).toEqual(['POST', 'POST', 'DELETE']);
  });

  it('acks an alert and records the decision', async () => {
    expect(await call('POST', '/api/v1/alerts/k1/ack', { by: 'ana', comment: 'on it' })).toEqual({
      acked: 'k1',
    });
    expect(JSON.stringify(await call('GET', '/api/v1/alerts/k1/decisions'))).toContain('acked');
    expect(await call('GET', '/api/v1/alerts')).toEqual([]);
  });

  it("lists the engine's pending alerts, which notify never holds", async () => {
    const engine = new AlertStore(store);
    const base = {
      rule: 'container_high_cpu',
      groupLabels: { host: 'vm', container: 'web' },
      activeAt: 1000,
    };
    engine.save(
      [
        { ...base, key: 'p1', state: 'pending', value: 93 },
        { ...base, key: 'f1', state: 'firing', firedAt: 2000 },
      ],
      [],
      clock.now(),
      100,
    );
    expect(await call('GET', '/api/v1/alerts/pending')).toEqual([
      {
        key: 'p1',
        rule: 'container_high_cpu',
        labels: { host: 'vm', container: 'web' },
        activeAt: 1000,
        value: 93,
      },
    ]);
  });

  it("lists each receiver's last delivery and last failed attempt, from the decision log", async () => {
    recordDecision(store, 'a1', 1000, 'delivered', { receiver: 'pd', outbox: 1 });
    recordDecision(store, 'a1', 2000, 'retrying', { receiver: 'pd', outbox: 2, error: 'HTTP 503' });
    recordDecision(store, 'a2', 3000, 'delivered', { receiver: 'pd', outbox: 2 });
    recordDecision(store, 'a2', 4000, 'rejected', { receiver: 'mail', outbox: 3, error: '550 no such user' });
    recordDecision(store, 'a2', 5000, 'routed', { receiver: 'hook' });
    expect(await call('GET', '/api/v1/receivers')).toEqual([
      { receiver: 'mail', lastSuccess: null, lastError: { at: 4000, error: '550 no such user' } },
      { receiver: 'pd', lastSuccess: 3000, lastError: { at: 2000, error: 'HTTP 503' } },
    ]);
  });

  it('refuses a body key it does not know, naming it and the nearest known one', async () => {
    const body = { matchers: ['service=web'], for: '1h', comment: 'deploy', createdBy: 'ana' };
    await expect(call('POST', '/api/v1/silences', body)).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('unknown key "createdBy" (did you mean "created_by"?)'),
    });
    expect(await call('GET', '/api/v1/silences')).toEqual([]);
    await expect(call('POST', '/api/v1/alerts/k1/ack', { author: 'ana' })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('unknown key "author"'),
    });
  });

  it('adds, lists and expires a silence; a silence without matchers is refused', async () => {
    await expect(call('POST', '/api/v1/silences', { for: '1h' })).rejects.toMatchObject({ status: 400 });
    const s = (await call('POST', '/api/v1/silences', {
      matchers: ['service=web'],
      for: '1h',
      comment: 'deploy',
    })) as {
      id: string;
    };
    expect(await call('GET', '/api/v1/silences')).toHaveLength(1);
    await call('DELETE', `/api/v1/silences/${s.id}`);
    expect(await call('GET', '/api/v1/silences')).toHaveLength(0);
  });
});

describe('apiRoutes in a fleet', () => {
  let store: StateStore;
  beforeEach(() => {
    store = StateStore.open(':memory:');
    migrateNotify(store);
  });
  afterEach(() => store.close());

  const call = (fleet: FleetWrites, method: string, path: string, body: object = {}) => {
    const url = new URL(path, 'http://localhost');
    const r = apiRoutes(store, clock, fleet).find((x) => x.method === method && x.path.test(url.pathname))!;
    return Promise.resolve(r.handle(request(body), r.path.exec(url.pathname)!.slice(1), url));
  };

  it('tells the fleet of each silence, expiry and ack written here', async () => {
    const told: string[] = [];
    const fleet: FleetWrites = {
      silenced: (s) => Promise.resolve(void told.push(`silence ${s.id} ${s.endsAt}`)),
      acked: (key, a) => Promise.resolve(void told.push(`ack ${key} ${a.by}`)),
    };
    const s = (await call(fleet, 'POST', '/api/v1/silences', {
      matchers: ['service=web'],
      for: '1h',
      comment: 'deploy',
    })) as { id: string; endsAt: number };
    await call(fleet, 'DELETE', `/api/v1/silences/${s.id}`);
    await call(fleet, 'POST', '/api/v1/alerts/k1/ack', { by: 'ana' });
    expect(told).toEqual([`silence ${s.id} ${s.endsAt}`, `silence ${s.id} ${clock.now()}`, 'ack k1 ana']);
  });

  it('answers 503 when the fleet cannot be told, and the write holds on this replica', async () => {
    const down = () => Promise.reject(new Error('broker unreachable'));
    const fleet: FleetWrites = { silenced: down, acked: down };
    await expect(
      call(fleet, 'POST', '/api/v1/silences', { matchers: ['service=web'], for: '1h', comment: 'deploy' }),
    ).rejects.toMatchObject({
      status: 503,
      message: expect.stringContaining('broker unreachable') as unknown,
    });
    expect(await call(fleet, 'GET', '/api/v1/silences')).toHaveLength(1);
  });
});
