/**
 * A child process for test/kafka/bus.test.ts: one alerter-like replica that joins the group
 * and reports, one line per fact on stdout (written synchronously, so a kill -9 loses none):
 *   A <topic> <partitions,...>     partitions assigned (after their states were restored)
 *   R <topic> <partitions,...>     partitions revoked
 *   H <topic> <partition> <firstOffset> <id> <id> ...   a handled batch
 *   C <topic> <partition> <offset> committed (next offset to read)
 *   F <service> <seq> new|loaded   the "first seen" state of a service, made here or restored
 * The "first seen" state stands for an alert's `for` timer start: it is written to the state
 * topic before the handler resolves, and loaded by whoever is assigned the partition next.
 */
import fs from 'node:fs';
import { KafkaBus } from '../../core/bus/kafka/bus';
import { silentLogger } from '../../core/logger';
import type { LogEvent } from '../../core/events';
import { testConfig } from './support';

const say = (line: string) => fs.writeSync(1, `${line}\n`);
const [brokers, prefix, delayMs] = [
  process.env.BROKERS!.split(','),
  process.env.PREFIX!,
  Number(process.env.HANDLER_DELAY_MS ?? '0'),
];

const bus = new KafkaBus(testConfig(brokers, prefix), { logger: silentLogger() });
const state = bus.stateTopic();
const first = new Map<string, { seq: number; partition: number }>();

bus.subscribe(
  'log',
  'alerter',
  async (events: LogEvent[], ctx) => {
    say(`H ${ctx.topic} ${ctx.partition} ${ctx.firstOffset} ${events.map((e) => e.id).join(' ')}`);
    const changed: string[] = [];
    for (const e of events) {
      const svc = e.container.service;
      if (first.has(svc)) continue;
      const seq = Number(e.id.split(':')[1]);
      first.set(svc, { seq, partition: ctx.partition });
      changed.push(svc);
      say(`F ${svc} ${seq} new`);
    }
    await state.putMany(
      changed.map((svc) => ({ key: `first:${svc}`, value: { seq: first.get(svc)!.seq }, routingKey: svc })),
    );
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
  },
  {
    fromBeginning: true,
    onAssigned: async (ps, topic) => {
      for (const [key, { value, partition }] of await state.loadAll(ps)) {
        const svc = key.slice('first:'.length);
        const seq = (value as { seq: number }).seq;
        if (!first.has(svc)) say(`F ${svc} ${seq} loaded`);
        first.set(svc, { seq, partition });
      }
      say(`A ${topic} ${ps.join(',')}`);
    },
    onRevoked: (ps, topic) => {
      for (const [svc, s] of first) if (ps.includes(s.partition)) first.delete(svc);
      say(`R ${topic} ${ps.join(',')}`);
    },
    onCommitted: (c) => say(`C ${c.topic} ${c.partition} ${c.offset}`),
  },
);
say('READY');
process.on('SIGTERM', () => void bus.close().then(() => process.exit(0)));
