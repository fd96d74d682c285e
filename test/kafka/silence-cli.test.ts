/**
 * `lookout silence add|expire` on a fleet's replica (config `bus.type: kafka`) puts the silence
 * on the fleet's notes topic too, so every replica applies it (issue 17). The notes are read
 * back as a replica reads them (NotesTopic.follow). Stand-in broker unless KAFKA_BROKERS is set.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KafkaBus } from '../../core/bus/kafka/bus';
import type { Note } from '../../core/bus/kafka/notes-topic';
import { silentLogger } from '../../core/logger';
import { silenceAdd, silenceExpire } from '../../cli/silence';
import { waitFor } from '../support/docker';
import { startTestBroker, testConfig, uniquePrefix, type TestBroker } from './support';

let broker: TestBroker;
let dir: string;
beforeAll(async () => {
  broker = await startTestBroker();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-silence-cli-'));
});
afterAll(async () => {
  await broker?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a silence added and expired with the CLI on a replica is shared with the fleet', async () => {
  const prefix = uniquePrefix('silence-cli');
  const config = path.join(dir, 'alerter.yaml');
  fs.writeFileSync(
    config,
    [
      `state: { path: ${path.join(dir, 'state.db')} }`,
      'bus:',
      '  type: kafka',
      `  kafka: { brokers: [${broker.brokers.join(', ')}], topic_prefix: ${prefix} }`,
      '',
    ].join('\n'),
  );
  const added = await silenceAdd({ config, match: ['service=web'], for: '1h', comment: 'deploy', by: 'ana' });
  expect(added).toContain('(shared with the fleet)');
  const id = added.split(' ')[0]!;
  const expired = await silenceExpire({ config, id: id.slice(0, 8) });
  expect(expired).toMatch(/^expired .*shared with the fleet/);

  const reader = new KafkaBus(testConfig(broker.brokers, prefix), { logger: silentLogger() });
  const notes: Note[] = [];
  try {
    await reader.notesTopic().follow((n) => notes.push(n));
    await waitFor('both versions of the silence', () => notes.length >= 2, 30_000);
  } finally {
    await reader.close();
  }
  const [first, last] = notes as [Note, Note];
  expect(first.key).toBe(`silence:${id}`);
  expect(last.key).toBe(`silence:${id}`);
  const v1 = first.value as { endsAt: number; createdBy: string };
  const v2 = last.value as { endsAt: number };
  expect(v1.createdBy).toBe('ana');
  expect(v2.endsAt).toBeLessThan(v1.endsAt);
}, 120_000);
