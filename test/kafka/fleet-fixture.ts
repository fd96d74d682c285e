/**
 * The set-up the fleet tests share: a Kafka stand-in broker (or the real one, see support.ts), a
 * temporary folder with the test's rules in rules/, and the replica processes the test starts.
 * After the file's tests: replicas still running are killed (SIGKILL: a test may have left one
 * hanging on purpose), the test's own clean-ups run, the broker stops and the folder goes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Replica } from './alerter-replica';
import { startTestBroker, type TestBroker } from './support';

export interface FleetFixture {
  /** Started in beforeAll. */
  readonly broker: TestBroker;
  readonly dir: string;
  readonly rulesDir: string;
  /** Hand this to startReplicaProcess: each replica it starts is killed after the tests. */
  readonly children: Replica[];
  /** Runs after the replicas are killed, before the broker stops (a publisher's close, say). */
  afterwards(fn: () => unknown): void;
}

export function fleetFixture(name: string, rulesYaml: string): FleetFixture {
  let broker: TestBroker | undefined;
  let dir = '';
  const children: Replica[] = [];
  const cleanups: Array<() => unknown> = [];

  beforeAll(async () => {
    broker = await startTestBroker();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `lookout-${name}-`));
    fs.mkdirSync(path.join(dir, 'rules'));
    fs.writeFileSync(path.join(dir, 'rules', 'rules.yaml'), rulesYaml);
  });

  afterAll(async () => {
    for (const c of children)
      if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    for (const fn of cleanups) await Promise.resolve(fn()).catch(() => undefined);
    await broker?.stop();
    if (dir !== '') fs.rmSync(dir, { recursive: true, force: true });
  });

  return {
    get broker() {
      if (!broker) throw new Error('fleetFixture: the broker starts in beforeAll');
      return broker;
    },
    get dir() {
      return dir;
    },
    get rulesDir() {
      return path.join(dir, 'rules');
    },
    children,
    afterwards: (fn) => void cleanups.push(fn),
  };
}
