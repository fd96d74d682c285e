import { ManualClock } from '../../../core/clock';
import type { Heartbeat } from '../../../core/events';
import { silentLogger } from '../../../core/logger';
import type { ContainerDirectory, ContainerInfo } from '../docker/types';
import { heartbeatConfigSchema } from './config';
import { createHeartbeatSource } from './index';

const info = (name: string, running: boolean): ContainerInfo => ({
  meta: { id: `id-${name}`, name, image: 'i', labels: {}, service: name },
  logDriver: 'json-file',
  pid: running ? 1 : 0,
  running,
});

/** A fixed directory: the heartbeat only reads `list()`. */
const dir = (items: ContainerInfo[]): ContainerDirectory => ({
  get: (id) => items.find((c) => c.meta.id === id),
  list: () => items,
  watch: () => () => undefined,
});

describe('heartbeat source', () => {
  it('beats at once, then each interval, with the running containers', async () => {
    const clock = new ManualClock(1_000);
    const src = createHeartbeatSource(heartbeatConfigSchema.parse({ interval: '1s' }), {
      logger: silentLogger(),
      clock,
      host: 'h1',
      version: '0.1.0',
      containers: dir([info('web', true), info('old', false), info('api', true)]),
    });
    const ctl = new AbortController();
    const beats: Heartbeat[] = [];
    for await (const b of src.run(ctl.signal)) {
      beats.push(...(b.events as Heartbeat[]));
      clock.advance(1000);
      if (beats.length === 2) ctl.abort();
    }
    expect(beats).toHaveLength(2);
    expect(beats[0]).toEqual({
      kind: 'heartbeat',
      host: 'h1',
      ts: 1000,
      source: 'collector',
      version: '0.1.0',
      containers: [info('api', true).meta, info('web', true).meta],
    });
    expect(beats[1]!.ts).toBe(2000);
  });

  it.each([
    [{}, 10_000],
    [{ interval: '30s' }, 30_000],
  ])('config %j gives an interval of %d ms', (input, ms) => {
    expect(heartbeatConfigSchema.parse(input).interval).toBe(ms);
  });

  it('rejects intervals under a second', () => {
    expect(() => heartbeatConfigSchema.parse({ interval: '100ms' })).toThrow(/at least 1s/);
  });
});
