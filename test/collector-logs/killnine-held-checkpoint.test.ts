import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ElasticsearchStandin } from '../support/elasticsearch-standin';
import { newRunId, removeTestContainers, runContainer, waitFor } from '../support/docker';
import { startLookout, type LookoutProcess } from '../support/lookout-process';

/**
 * The checkpoint of a file read fast is written once per `checkpoint_interval`: lines delivered
 * after the last write are sent again after a crash. `lookout collect` is killed -9 while
 * Elasticsearch (stand-in) already holds lines its stored checkpoint does not cover, restarted
 * on the same state: every line is in the index once, and the repeats met their first copy's _id.
 */

const runId = newRunId('kill9ck');
const N = 3000;
let dir: string;
let es: ElasticsearchStandin;
const procs: LookoutProcess[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-kill9ck-'));
  es = new ElasticsearchStandin();
  await es.start();
});

afterAll(async () => {
  for (const p of procs) await p.stop('SIGKILL').catch(() => undefined);
  await removeTestContainers(runId);
  await es.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const config = () => `
host: ${runId}
collector:
  logs: { checkpoint_interval: 10s, poll_interval: 50ms }
sinks:
  - type: elasticsearch
    url: ${es.url}
    index_mode: daily
    logs_index: ${runId}-logs
    lifecycle_index: ${runId}-life
`;

function collect(): LookoutProcess {
  const p = startLookout({ args: ['collect'], config: config(), dir });
  procs.push(p);
  return p;
}

/** Our container's lines in the index: message by _id. */
function ourLines(name: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [index, docs] of es.indices) {
    if (!index.startsWith(`${runId}-logs`)) continue;
    for (const [id, doc] of docs) {
      const d = doc as { container?: { name?: string }; message?: string };
      if (d.container?.name === name) out.set(id, d.message ?? '');
    }
  }
  return out;
}

/** The stored checkpoint of the container (read beside the running collector: WAL allows it). */
function storedCheckpoint(containerId: string): { offset: number; updated_at: number } | undefined {
  const db = new Database(path.join(dir, 'state.db'), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare('SELECT offset, updated_at FROM log_checkpoints WHERE container_id = ?')
      .get(containerId) as { offset: number; updated_at: number } | undefined;
  } finally {
    db.close();
  }
}

test('kill -9 between two checkpoint writes: every line once in Elasticsearch by _id', async () => {
  const name = `${runId}-w`;
  // The container waits 2 s before writing; whenever discovery sees it, its file is read from the start.
  const first = collect();
  const id = await runContainer({
    runId,
    name,
    cmd: [
      'sh',
      '-c',
      `sleep 2; i=0; while [ $i -lt ${N} ]; do i=$((i+1)); echo "seq $i"; usleep 1000; done; sleep 600`,
    ],
  });
  // The first checkpoint is written at once; then, within the interval, more lines are delivered.
  const ck = await waitFor('a first checkpoint', () => storedCheckpoint(id), 60_000);
  const atFirst = ourLines(name).size;
  await waitFor(
    '300 lines past the stored checkpoint',
    () => ourLines(name).size >= atFirst + 300,
    60_000,
    20,
  );
  first.child.kill('SIGKILL');
  await first.exited;
  // Killed between two writes: the stored checkpoint is the one seen, lines beyond it delivered.
  expect(storedCheckpoint(id)).toEqual(ck);
  const beforeRestart = ourLines(name).size;
  const conflictsBefore = es.stats.conflicts;

  const second = collect();
  await waitFor(`all ${N} lines`, () => ourLines(name).size >= N, 120_000).catch(() => undefined);
  await second.stop();

  const lines = ourLines(name);
  const messages = [...lines.values()].sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
  expect(messages).toEqual(Array.from({ length: N }, (_, i) => `seq ${i + 1}`));
  // The lines sent again were refused by _id: at least those delivered after the checkpoint.
  expect(es.stats.conflicts - conflictsBefore).toBeGreaterThanOrEqual(beforeRestart - atFirst);
  console.log(
    `kill -9 with a held checkpoint: ${es.stats.conflicts - conflictsBefore} repeats absorbed by _id, ${lines.size} lines`,
  );
}, 300_000);
