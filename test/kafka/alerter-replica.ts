/**
 * A child process for test/kafka/alerter-handoff.test.ts: one real alerter (createAlerter with
 * the Kafka bus and the state hand-off) with its own state store. Its "outbox" is stdout, one
 * line per fact, written synchronously (so a kill -9 loses none, as a durable outbox would):
 *   T <json>                       a transition handed to notify: {key, service, from, to, at, activeAt, firedAt}
 *   A <partitions,...> <states>    partitions assigned, after their alert states were adopted
 *   R <partitions,...> <groups>    partitions revoked, their groups forgotten
 *   P <json>                       a firing alert taken over (onAdopted, for notify): {key, service, firedAt}
 *   READY
 * Env: BROKERS, PREFIX, RULES (a folder), STATE (the SQLite file); with HOOK_URL, transitions
 * also go to the real notify (webhook receiver at HOOK_URL), wired as cli/ should wire it.
 */
import fs from 'node:fs';
import { KafkaBus } from '../../core/bus/kafka/bus';
import { systemClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import { alerterConfigSchema, createAlerter } from '../../alerter/alerter';
import { adoptionTransitions, createKafkaHandoff } from '../../alerter/kafka';
import { createNotifier, notifyConfigSchema } from '../../alerter/notify';
import { testConfig } from './support';

const say = (line: string) => fs.writeSync(1, `${line}\n`);
const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

async function main(): Promise<void> {
  const logger = silentLogger();
  const bus = new KafkaBus(testConfig(env('BROKERS').split(','), env('PREFIX')), { logger });
  await bus.start();
  const store = StateStore.open(env('STATE'));
  const hook = process.env.HOOK_URL;
  const notifier = hook
    ? createNotifier({
        store,
        logger,
        clock: systemClock,
        config: notifyConfigSchema.parse({
          receivers: [{ name: 'hook', type: 'webhook', url: hook }],
          api: { listen: '127.0.0.1:0' },
          group: { by: ['service'], wait: '1s' },
          tick: '200ms',
        }),
      })
    : undefined;
  const alerter = createAlerter({
    bus,
    store,
    clock: systemClock,
    logger,
    config: alerterConfigSchema.parse({
      rules: [env('RULES')],
      eval_interval: '500ms',
      watch: false,
      reload_on_sighup: false,
    }),
    onTransitions: (ts) => {
      for (const t of ts) {
        const a = t.alert;
        say(
          `T ${JSON.stringify({ key: a.key, service: a.labels.service, from: t.from, to: t.to, at: t.at, activeAt: a.activeAt, firedAt: a.firedAt })}`,
        );
      }
      return notifier ? notifier.handle(ts) : Promise.resolve();
    },
    handoff: createKafkaHandoff({
      stateTopic: bus.stateTopic(),
      logger,
      clock: systemClock,
      onAdopted: async (adopted) => {
        for (const { alert } of adopted)
          say(
            `P ${JSON.stringify({ key: alert.key, service: alert.labels.service, firedAt: alert.firedAt })}`,
          );
        await notifier?.handle(adoptionTransitions(adopted));
      },
      onAssignment: (e) => say(`${e.kind === 'assigned' ? 'A' : 'R'} ${e.partitions.join(',')} ${e.states}`),
    }),
  });
  await notifier?.start();
  process.on('SIGTERM', () => {
    void alerter
      .stop()
      .then(() => bus.close())
      .finally(() => process.exit(0));
  });
  say('READY');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
