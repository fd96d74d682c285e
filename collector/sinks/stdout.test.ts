import { PassThrough } from 'node:stream';
import { silentLogger } from '../../core/logger';
import { ManualClock } from '../../core/clock';
import type { LookoutEvent } from '../../core/events';
import { createStdoutSink } from './stdout';

test('stdout: one JSON event a line', async () => {
  const stream = new PassThrough();
  let out = '';
  stream.on('data', (d: Buffer) => (out += d.toString()));
  const sink = createStdoutSink(
    { type: 'stdout', stream },
    { logger: silentLogger(), clock: new ManualClock(), deadLetter: { write() {} } },
  );
  const events: LookoutEvent[] = [
    { kind: 'metric', host: 'h', ts: 1, name: 'cpu.percent', value: 2, type: 'gauge' },
    { kind: 'heartbeat', host: 'h', ts: 2, source: 'collector', containers: [], version: '0.1.0' },
  ];
  await sink.write(events, new AbortController().signal);
  expect(
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as unknown),
  ).toEqual(events);
});
