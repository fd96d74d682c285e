import path from 'node:path';
import { systemClock } from '../../../core/clock';
import { silentLogger } from '../../../core/logger';
import type { ContainerInfo } from '../docker/types';
import { SnapshotReader, type SnapshotReaderDeps } from './reader';

const FX = path.join(__dirname, 'fixtures');
const ID = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const container = (id = ID): ContainerInfo => ({
  meta: { id, name: 'web', image: 'img', labels: {}, service: 'web' },
  logDriver: 'json-file',
  pid: 777,
  cgroupPath: `/system.slice/docker-${id}.scope`,
  running: true,
});
const apiStats = { cpu_stats: { cpu_usage: { total_usage: 42 } }, memory_stats: { usage: 1000 } };

function reader(over: Partial<SnapshotReaderDeps> = {}) {
  const calls: string[] = [];
  const client = {
    containerStats: (id: string) => {
      calls.push(id);
      return Promise.resolve(apiStats);
    },
  };
  const r = new SnapshotReader({
    logger: silentLogger(),
    clock: systemClock,
    hostRoot: path.join(FX, 'v2'),
    now: () => 5n,
    client,
    ...over,
  });
  return { r, calls };
}

test('reads the cgroup files when they are there', async () => {
  const { r, calls } = reader();
  const got = await r.read(container(), 'v2');
  expect(got.used).toBe('v2');
  expect(got.snap?.atNs).toBe(5);
  expect(calls).toEqual([]);
});

test('api mode asks the engine', async () => {
  const { r, calls } = reader();
  const got = await r.read(container(), 'api');
  expect(got).toMatchObject({ used: 'api', snap: { cpuNs: 42, memUsage: 1000 } });
  expect(calls).toEqual([ID]);
});

test('files missing: the round is skipped twice, the third miss falls back to the API for good', async () => {
  const { r, calls } = reader({ hostRoot: path.join(FX, 'nowhere') });
  await expect(r.read(container(), 'v2')).rejects.toMatchObject({ code: 'ENOENT' });
  await expect(r.read(container(), 'v2')).rejects.toMatchObject({ code: 'ENOENT' });
  expect((await r.read(container(), 'v2')).used).toBe('api');
  expect((await r.read(container(), 'v2')).used).toBe('api');
  expect(calls).toEqual([ID, ID]);
});

test('a container that stops running is forgotten: its misses start again from zero', async () => {
  const { r } = reader({ hostRoot: path.join(FX, 'nowhere') });
  await expect(r.read(container(), 'v2')).rejects.toBeDefined();
  await expect(r.read(container(), 'v2')).rejects.toBeDefined();
  r.forget(new Set());
  await expect(r.read(container(), 'v2')).rejects.toBeDefined();
});

test('without a client there is nothing to fall back to', async () => {
  const { r } = reader({ hostRoot: path.join(FX, 'nowhere'), client: undefined });
  for (let i = 0; i < 4; i++) await expect(r.read(container(), 'v2')).rejects.toBeDefined();
  expect((await r.read(container(), 'api')).snap).toBeUndefined();
});
