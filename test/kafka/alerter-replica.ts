/**
 * A child process for test/kafka/alerter-handoff.test.ts and fleet-silences.test.ts (which
 * start it with startReplicaProcess, below): one real alerter (createAlerter with
 * the Kafka bus and the state hand-off) with its own state store. Its "outbox" is stdout, one
 * line per fact, written synchronously (so a kill -9 loses none, as a durable outbox would):
 *   T <json>                       a transition handed to notify: {key, service, from, to, at, activeAt, firedAt}
 *   A <partitions,...> <states>    partitions assigned, after their alert states were adopted
 *   R <partitions,...> <groups>    partitions revoked, their groups forgotten
 *   P <json>                       a firing alert taken over (onAdopted, for notify): {key, service, firedAt, told}
 *   S <json>                       alert states written to the state topic: ["service:state", ...]
 *   B <json>                       blind meta-alert states written to it: ["rule:state", ...]
 *   API <url>                      notify's API (with HOOK_URL)
 *   N <json>                       a delivery notify made, once the hand-off has recorded it: {receiver, status, services}
 *   READY
 * Env: BROKERS, PREFIX, RULES (a folder), STATE (the SQLite file); with HOOK_URL, transitions
 * also go to the real notify (webhook receiver at HOOK_URL), wired as cli/ should wire it, with
 * the fleet's silences and acks (API_TOKEN opens the API's writes); with PD_HOST (and PD_CA, the
 * stand-in's certificate, PD_ROUTING_KEY), to a PagerDuty receiver instead; with RULES_GRAPHITE_URL,
 * Graphite-target rules ask that graphite-web (test/kafka/graphite-fleet.test.ts); with
 * FIRST_WRITE_DELAY_MS, the first write of alert states takes that much longer (a slow broker, so
 * that a rebalance lands while it is out); HANDOVER_WAIT_MS sets the hand-off's handoverWaitMs;
 * with HANG_ON_FIRING, notify never returns from a batch with a firing (the window between
 * a transition and the state write it leads to, held open for a kill); with HANG_AFTER_NOTIFY,
 * notify takes that batch (and delivers it) but the alerter never hears back (the same window,
 * after notify took the firing).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { KafkaBus } from '../../core/bus/kafka/bus';
import { systemClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import { alerterConfigSchema, createAlerter } from '../../alerter/alerter';
import {
  createFleetNotes,
  createKafkaHandoff,
  replicaIdentity,
  type KafkaHandoff,
} from '../../alerter/kafka';
import { BLIND_RULE } from '../../alerter/graphite/blind';
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
  // Assigned once, after the notifier whose callback refers to it.
  // eslint-disable-next-line prefer-const
  let handoff: KafkaHandoff | undefined;
  const fleet = createFleetNotes({ topic: bus.notesTopic(), store, logger });
  const pdHost = process.env.PD_HOST;
  const receivers = pdHost
    ? [
        {
          name: 'pd',
          type: 'pagerduty',
          routing_key: { env: 'PD_ROUTING_KEY' },
          events_host: pdHost,
          ca_file: process.env.PD_CA,
        },
      ]
    : [{ name: 'hook', type: 'webhook', url: hook }];
  const notifier =
    hook || pdHost
      ? createNotifier({
          store,
          logger,
          clock: systemClock,
          // Wired as cli/alerter.ts wires it; the N line is written once the record is in the topic.
          onDelivered: (note) => {
            const services = (list: typeof note.firing) =>
              list.map((a) => serviceOf.get(a.key)).filter((s): s is string => !!s);
            void handoff?.noteDelivered(note).then(() => {
              for (const [status, list] of [
                ['firing', note.firing],
                ['resolved', note.resolved],
              ] as const)
                if (list.length > 0)
                  say(`N ${JSON.stringify({ receiver: note.receiver, status, services: services(list) })}`);
            });
          },
          fleet: fleet.writes,
          config: notifyConfigSchema.parse({
            receivers,
            api: { listen: '127.0.0.1:0', token: process.env.API_TOKEN ? { env: 'API_TOKEN' } : undefined },
            group: { by: ['service'], wait: '1s' },
            // "late*" services wait long enough in group_wait for a test to kill the replica first.
            route: { routes: [{ match_re: { service: 'late.*' }, group_wait: '30s' }] },
            tick: '200ms',
          }),
        })
      : undefined;
  /** Alert key → service, for the N lines (a delivery note names alerts by key only). */
  const serviceOf = new Map<string, string>();
  const inner = createKafkaHandoff({
    stateTopic: bus.stateTopic(),
    logger,
    clock: systemClock,
    onAdopted: async (adopted) => {
      for (const { alert, told } of adopted) {
        serviceOf.set(alert.key, alert.labels.service ?? '');
        say(
          `P ${JSON.stringify({ key: alert.key, service: alert.labels.service, firedAt: alert.firedAt, told: Object.keys(told) })}`,
        );
      }
      await notifier?.takeOver(adopted);
      fleet.reapplyAcks(adopted.map((a) => a.alert.key));
    },
    onReleased: (keys) => notifier?.release(keys),
    handoverWaitMs: process.env.HANDOVER_WAIT_MS ? Number(process.env.HANDOVER_WAIT_MS) : undefined,
    // As cli/alerter.ts: the same STATE file is the same replica, restarted.
    replica: replicaIdentity(store),
    onAssignment: (e) => say(`${e.kind === 'assigned' ? 'A' : 'R'} ${e.partitions.join(',')} ${e.states}`),
  });
  let firstWriteDelay = Number(process.env.FIRST_WRITE_DELAY_MS ?? 0);
  handoff = {
    ...inner,
    publish: async (batch) => {
      if (firstWriteDelay > 0 && batch.changed.length > 0) {
        const ms = firstWriteDelay;
        firstWriteDelay = 0;
        await sleep(ms);
      }
      await inner.publish(batch);
      if (batch.changed.length > 0)
        say(`S ${JSON.stringify(batch.changed.map((p) => `${p.groupLabels.service}:${p.state}`))}`);
      const blind = batch.transitions.filter((t) => t.alert.rule === BLIND_RULE);
      if (blind.length > 0) say(`B ${JSON.stringify(blind.map((t) => `${t.alert.labels.rule}:${t.to}`))}`);
    },
  };
  // As cli/alerter.ts: the state topic, not this store, says what the receivers were told.
  await notifier?.release('all');
  await fleet.start();
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
      graphite: { url: process.env.RULES_GRAPHITE_URL, blind_after: Number(process.env.BLIND_AFTER ?? 3) },
    }),
    onTransitions: (ts) => {
      for (const t of ts) {
        const a = t.alert;
        serviceOf.set(a.key, a.labels.service ?? '');
        say(
          `T ${JSON.stringify({ key: a.key, service: a.labels.service, from: t.from, to: t.to, at: t.at, activeAt: a.activeAt, firedAt: a.firedAt })}`,
        );
      }
      // A notify that never returns from its first firing: the replica is killed in that window.
      if (process.env.HANG_ON_FIRING && ts.some((t) => t.to === 'firing'))
        return new Promise<void>(() => undefined);
      const took = notifier ? notifier.handle(ts) : Promise.resolve();
      if (process.env.HANG_AFTER_NOTIFY && ts.some((t) => t.to === 'firing'))
        return took.then(() => new Promise<void>(() => undefined));
      return took;
    },
    handoff,
  });
  await notifier?.start();
  const api = notifier?.apiAddress();
  if (api) say(`API http://${api.host}:${api.port}`);
  process.on('SIGTERM', () => {
    void alerter
      .stop()
      .then(() => bus.close())
      .finally(() => process.exit(0));
  });
  say('READY');
}

// Run as the child process; imported by a test, only the helpers below are used.
if (require.main === module)
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });

/** A replica child process as its test sees it: the lines it printed so far. */
export interface Replica {
  name: string;
  proc: ChildProcess;
  lines: string[];
}

/**
 * Starts this file as a replica child process with `env` (BROKERS, PREFIX, RULES, STATE...)
 * and adds it to `children`, which the test kills in afterAll.
 */
export function startReplicaProcess(name: string, env: Record<string, string>, children: Replica[]): Replica {
  const proc = spawn(process.execPath, ['--import', 'tsx', __filename], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const r: Replica = { name, proc, lines: [] };
  let rest = '';
  proc.stdout?.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split('\n');
    rest = parts.pop()!;
    r.lines.push(...parts);
  });
  children.push(r);
  return r;
}

/** Partitions a replica holds now, from its A/R lines. */
export function owned(r: Replica): Set<number> {
  const s = new Set<number>();
  for (const l of r.lines) {
    const [tag, ps] = l.split(' ');
    if (tag !== 'A' && tag !== 'R') continue;
    for (const p of (ps ?? '').split(',').filter(Boolean).map(Number)) {
      if (tag === 'A') s.add(p);
      else s.delete(p);
    }
  }
  return s;
}
