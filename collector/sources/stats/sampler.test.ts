import { silentLogger } from '../../../core/logger';
import type { ContainerInfo } from '../docker/types';
import type { ReadResult } from './reader';
import { StatsSampler } from './sampler';
import type { Snapshot } from './snapshot';

const info = (id: string, running = true): ContainerInfo => ({
  meta: { id, name: `c-${id}`, image: 'img', labels: {}, service: id },
  logDriver: 'json-file',
  pid: 1,
  running,
});
const snap = (atNs: number, cpuNs: number): Snapshot => ({ atNs, cpuNs, memUsage: 100, inactiveFile: 0 });

function sampler(list: ContainerInfo[], reads: Map<string, () => Promise<ReadResult>>) {
  const forgotten: Array<Set<string>> = [];
  const s = new StatsSampler({
    logger: silentLogger(),
    clock: { now: () => 1000 },
    host: 'h',
    containers: { get: () => undefined, list: () => list, watch: () => () => {} },
    reader: {
      read: (c) => reads.get(c.meta.id)!(),
      forget: (live) => void forgotten.push(new Set(live)),
    },
    now: () => 0n,
    hostCpus: 2,
  });
  return { s, forgotten };
}

const names = (samples: Array<{ name: string; container?: unknown }>) => samples.map((x) => x.name);

test('one round: samples of every running container and the running count; a failed read is skipped', async () => {
  const reads = new Map<string, () => Promise<ReadResult>>([
    ['a', () => Promise.resolve({ snap: snap(1e9, 1e9), used: 'v2', ts: 1000 })],
    ['b', () => Promise.reject(new Error('gone'))],
  ]);
  const { s, forgotten } = sampler([info('a'), info('b'), info('c', false)], reads);
  const out = await s.collect('v2');
  expect(out.at(-1)).toMatchObject({ name: 'containers.running', value: 2, host: 'h', ts: 1000 });
  expect(out.slice(0, -1).every((x) => x.container?.id === 'a')).toBe(true);
  expect(names(out)).toContain('mem.usage_bytes');
  expect(forgotten).toEqual([new Set(['a', 'b'])]);
});

test('CPU is a rate: it appears from the second snapshot of a container on', async () => {
  let n = 0;
  const reads = new Map([
    ['a', () => Promise.resolve<ReadResult>({ snap: snap(++n * 1e9, n * 5e8), used: 'v2', ts: 1 })],
  ]);
  const { s } = sampler([info('a')], reads);
  expect(names(await s.collect('v2'))).not.toContain('cpu.percent');
  expect(names(await s.collect('v2'))).toContain('cpu.percent');
});
