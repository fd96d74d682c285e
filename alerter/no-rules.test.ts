import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { MemoryBus } from '../core/bus/memory';
import { ManualClock } from '../core/clock';
import { createLogger } from '../core/logger';
import { StateStore } from '../core/store/store';
import { alerterConfigSchema, createAlerter } from './alerter';
import { T0 } from './testing/fixtures';

test('an alerter that loads no rules says so at warn level: nothing will page', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alerter-no-rules-'));
  fs.writeFileSync(path.join(dir, 'empty.yaml'), 'rules: []\n');
  const store = StateStore.open(path.join(dir, 'state.db'));
  const bus = new MemoryBus();
  const lines: Array<{ level: number; msg: string; paths?: string[] }> = [];
  const logger = createLogger({
    format: 'json',
    destination: new Writable({
      write(c: Buffer, _e, cb) {
        for (const l of c.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as never);
        cb();
      },
    }),
  });
  const alerter = createAlerter({
    bus,
    store,
    clock: new ManualClock(T0),
    logger,
    config: alerterConfigSchema.parse({ rules: [dir], eval_interval: '1h', reload_on_sighup: false }),
    onTransitions: () => Promise.resolve(),
  });
  try {
    const warning = lines.find((l) => l.msg.startsWith('no rules loaded'));
    expect(warning).toMatchObject({ level: 40, paths: [dir] });
  } finally {
    await alerter.stop();
    await bus.close();
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
