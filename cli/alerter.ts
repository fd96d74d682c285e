import fs from 'node:fs';
import path from 'node:path';
import type { Bus } from '../core/bus/bus';
import type { Clock } from '../core/clock';
import type { HealthServer } from '../core/health/server';
import type { Logger } from '../core/logger';
import type { StateStore } from '../core/store/store';
import { createAlerter, type Alerter, type AlerterDeps } from '../alerter/alerter';
import { createNotifier, type NotifierService } from '../alerter/notify';
import {
  createFleetNotes,
  createKafkaHandoff,
  FleetAlertView,
  replicaIdentity,
  shareOwnAlerts,
  type FleetNotes,
  type KafkaHandoff,
} from '../alerter/kafka';
import type { KafkaBus } from '../core/bus/kafka';
import type { LookoutConfig } from './config';
import type { Resources } from './lifecycle';
import { PACKAGE_ROOT } from './version';

export interface AlerterWiring {
  alerter: Alerter;
  notifier: NotifierService;
}

/**
 * The default `alerter.rules` is `rules`, relative to where lookout runs. Where there is no
 * such folder (lookout started elsewhere, the sidecar image), the default rule set shipped
 * with lookout is used, so `lookout run` with no config pages on crash loops out of the box.
 */
export function resolveRulePaths(paths: readonly string[], cwd = process.cwd()): string[] {
  return paths.map((p) =>
    p === 'rules' && !fs.existsSync(path.resolve(cwd, p)) ? path.join(PACKAGE_ROOT, 'rules') : p,
  );
}

/** Duck-typed rather than instanceof, so kafkajs is only loaded by a process that uses Kafka. */
function isKafkaBus(bus: Bus): bus is KafkaBus {
  return typeof (bus as Partial<KafkaBus>).stateTopic === 'function';
}

/**
 * Silences and acks are the fleet's, whichever replica's API took them (fleet-notes.ts); the
 * alerts too: each replica shares its own, so any replica's API lists the fleet's (fleet-alerts.ts).
 */
function fleetNotes(bus: KafkaBus, store: StateStore, logger: Logger): FleetNotes {
  return createFleetNotes({ topic: bus.notesTopic(), store, logger, alerts: new FleetAlertView() });
}

/** Shares this replica's alerts on the notes topic; returns what stops it and the silence sweep. */
function shareFleet(bus: KafkaBus, fleet: FleetNotes, store: StateStore, logger: Logger): () => void {
  const stopSharing = shareOwnAlerts({ topic: bus.notesTopic(), store, logger });
  return () => {
    stopSharing();
    fleet.stop();
  };
}

/** A fleet replica's state hand-off, telling notify what it adopts and what moved away. */
function fleetHandoff(
  bus: KafkaBus,
  deps: { logger: Logger; clock: Clock; store: StateStore },
  notifier: NotifierService,
  fleet: FleetNotes | undefined,
): KafkaHandoff {
  return createKafkaHandoff({
    stateTopic: bus.stateTopic(),
    logger: deps.logger,
    clock: deps.clock,
    // Restarted after a crash, it does not wait for its previous run to release its partitions.
    replica: replicaIdentity(deps.store),
    onAdopted: async (adopted) => {
      await notifier.takeOver(adopted);
      fleet?.reapplyAcks(adopted.map((a) => a.alert.key));
    },
    onReleased: (keys) => notifier.release(keys),
  });
}

/** Notify shares the alerter's store: its rows and the alert states commit in one transaction. */
const intakeOf = (notifier: NotifierService): Pick<AlerterDeps, 'onTransitions' | 'intakeInStore'> => ({
  onTransitions: (transitions) => notifier.handle(transitions),
  intakeInStore: (transitions) => notifier.intake(transitions),
});

/** The alerter half: rule engine on the bus, transitions into notify's durable outbox. */
export async function startAlerter(
  cfg: LookoutConfig,
  deps: { logger: Logger; clock: Clock; store: StateStore; bus: Bus; health: HealthServer; res: Resources },
): Promise<AlerterWiring> {
  const { logger, clock, store, bus, res } = deps;
  // A replica of a fleet takes over the alert states of the partitions it is assigned, and
  // hands their firing alerts to its own notify with what each receiver was already told of
  // them (recorded by whichever replica delivered): a page that went out is not sent again, one
  // that did not is, and their resolves are not dropped.
  // Assigned once, after the notifier whose callback refers to it.
  // eslint-disable-next-line prefer-const
  let handoff: KafkaHandoff | undefined;
  const fleet = isKafkaBus(bus) ? fleetNotes(bus, store, logger) : undefined;
  const notifier = createNotifier({
    store,
    logger,
    clock,
    config: cfg.notify,
    onDelivered: (note) => void handoff?.noteDelivered(note),
    fleet: fleet?.writes,
  });
  handoff = isKafkaBus(bus) ? fleetHandoff(bus, deps, notifier, fleet) : undefined;
  // What this replica's notify remembers of alerts is from before it was assigned anything: the
  // state topic (alert states, what receivers were told) is the truth, learnt again on assignment.
  if (handoff) await notifier.release('all');
  await fleet?.start();
  if (fleet && isKafkaBus(bus)) res.add('fleet notes', shareFleet(bus, fleet, store, logger));
  const alerter = createAlerter({
    handoff,
    bus,
    store,
    clock,
    logger,
    config: { ...cfg.alerter, rules: resolveRulePaths(cfg.alerter.rules) },
    ...intakeOf(notifier),
  });
  // Deploys (a service's containers replaced by a new image) become change events and markers.
  const deploys = bus.subscribe('lifecycle', 'deploys', (events) => notifier.handleLifecycle(events));
  await notifier.start(res.signal);
  res.add('notifier', () => notifier.stop());
  res.add('alerter', async () => {
    await deploys.unsubscribe();
    await alerter.stop();
  });
  deps.health.addCheck('alerter', () => notifier.health());
  // A replica out of its consumer group, or holding no partitions, evaluates nothing (issue 17).
  if (isKafkaBus(bus)) deps.health.addCheck('bus', bus.membershipCheck());
  return { alerter, notifier };
}
