import { Writable } from 'node:stream';
import { ManualClock } from '../../../core/clock';
import { createLogger } from '../../../core/logger';
import { StateStore } from '../../../core/store/store';
import type { ContainerInfo } from '../docker/types';
import type { LogsApi } from './api';
import { CheckpointStore } from './checkpoints';
import { logsConfigSchema } from './config';
import { Rendezvous } from './rendezvous';
import { readerFor, startSpec, TailerSet, type Tailed } from './tailer-set';

const container = (logDriver: string, logPath?: string): ContainerInfo => ({
  meta: { id: 'c1', name: 'web', image: 'nginx', labels: {}, service: 'web' },
  logDriver,
  logPath,
  pid: 1,
  running: true,
});
const docker = {} as LogsApi;

test.each([
  ['json-file with its path', 'file', container('json-file', '/l.log'), {}, true],
  ['json-file, path not known yet', 'wait', container('json-file'), {}, true],
  ['json-file on a remote engine', 'api', container('json-file', '/l.log'), { remoteEngine: true }, true],
  ['journald', 'api', container('journald'), {}, true],
  ['journald, fallback off', 'unsupported', container('journald'), {}, false],
  ['journald, no engine client', 'unsupported', container('journald'), { docker: undefined }, true],
  ['none', 'unsupported', container('none'), {}, true],
])('%s: read by %s', (_what, expected, c, over, apiFallback) => {
  expect(readerFor(c, { api_fallback: apiFallback }, { docker, ...over })).toBe(expected);
});

test('a file tailer starts from its checkpoint, else where start_at says', () => {
  const checkpoints = new CheckpointStore(StateStore.open(':memory:'));
  expect(startSpec(checkpoints, 'c1', 'beginning')).toEqual({ kind: 'oldest' });
  expect(startSpec(checkpoints, 'c1', 'end')).toEqual({ kind: 'end' });
  expect(startSpec(checkpoints, 'c1', 'checkpoint')).toEqual({ kind: 'live-start' });
  const ck = { kind: 'file' as const, dev: '1', ino: '2', offset: 10, path: '/l.log' };
  checkpoints.put('c1', ck, 0);
  expect(startSpec(checkpoints, 'c1', 'end')).toMatchObject({ kind: 'checkpoint', checkpoint: ck });
  // An API checkpoint means nothing to a file tailer.
  checkpoints.put('c2', { kind: 'api', time: '2026-01-01T00:00:00Z', sameTimeCount: 1 }, 0);
  expect(startSpec(checkpoints, 'c2', 'end')).toEqual({ kind: 'end' });
});

test('a container that cannot be read is reported once, and again after it came back', () => {
  const lines: string[] = [];
  const logger = createLogger({
    format: 'json',
    destination: new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push((JSON.parse(chunk.toString()) as { msg: string }).msg);
        done();
      },
    }),
  });
  const checkpoints = new CheckpointStore(StateStore.open(':memory:'));
  const deps = { logger, clock: new ManualClock(), host: 'h', checkpoints };
  const cfg = logsConfigSchema.parse({});
  const set = new TailerSet(cfg, deps, new Rendezvous<Tailed>(), new AbortController().signal);
  set.onChange({ type: 'added', container: container('none') });
  set.onChange({ type: 'updated', container: container('none') });
  expect(lines).toEqual(['container logs cannot be read with this log driver: skipped']);
  set.onChange({ type: 'removed', id: 'c1' });
  set.onChange({ type: 'added', container: container('none') });
  expect(lines).toHaveLength(2);
});
