/**
 * A child process for test/kafka/bus.test.ts: one alerter-like replica that joins the group
 * and reports, one line per fact on stdout (written synchronously, so a kill -9 loses none):
 *   A <topic> <partitions,...>     partitions assigned
 *   R <topic> <partitions,...>     partitions revoked
 *   H <topic> <partition> <firstOffset> <id> <id> ...   a handled batch
 *   C <topic> <partition> <offset> committed (next offset to read)
 */
import fs from 'node:fs';
import { KafkaBus } from '../../core/bus/kafka/bus';
import { silentLogger } from '../../core/logger';
import type { LogEvent } from '../../core/events';
import { testConfig } from './support';

const say = (line: string) => fs.writeSync(1, `${line}\n`);
const [brokers, prefix, delayMs] = [process.env.BROKERS!.split(','), process.env.PREFIX!, Number(process.env.HANDLER_DELAY_MS ?? '0')];

const bus = new KafkaBus(testConfig(brokers, prefix), { logger: silentLogger() });
bus.subscribe(
  'log',
  'alerter',
  async (events: LogEvent[], ctx) => {
    say(`H ${ctx.topic} ${ctx.partition} ${ctx.firstOffset} ${events.map((e) => e.id).join(' ')}`);
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
  },
  {
    fromBeginning: true,
    onAssigned: (ps, topic) => void say(`A ${topic} ${ps.join(',')}`),
    onRevoked: (ps, topic) => void say(`R ${topic} ${ps.join(',')}`),
    onCommitted: (c) => say(`C ${c.topic} ${c.partition} ${c.offset}`),
  },
);
say('READY');
process.on('SIGTERM', () => void bus.close().then(() => process.exit(0)));
