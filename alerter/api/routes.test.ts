import type http from 'node:http';
import { Readable } from 'node:stream';
import { ManualClock } from '../../core/clock';
import { StateStore } from '../../core/store/store';
import type { FleetWrites } from '../notify/fleet';
import { migrateNotify } from '../notify/tables';
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
