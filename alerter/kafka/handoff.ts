/**
 * Alert states handed between alerter replicas of one consumer group through the compacted
 * state topic, so a rebalance neither pages a firing alert again nor loses a pending `for`.
 * What the receivers were told travels too, because notify's outbox is per replica: the new
 * owner pages whom the old one had not told yet, and nobody twice. The few repeats this
 * accepts on purpose are noted where they arise (publish here, ledger.ts, rebalance.ts).
 */
import type { StateEntry } from '../../core/bus/kafka/state-topic';
import type { SubscribeOptions } from '../../core/bus/bus';
import type { Logger } from '../../core/logger';
import type { HandoffBatch, HandoffControl } from '../alerter';
import type { PersistedAlert } from '../engine/engine';
import type { DeliveryNote } from '../notify/types';
import type { Alert, AlertTransition } from '../types';
import { blindStates } from './blind-states';
import { AlertLedger } from './ledger';
import { handoffMetrics as m } from './metrics';
import { Rebalance } from './rebalance';
import { inventoryEntries } from './records';
import type { KafkaHandoff, KafkaHandoffOptions } from './types';

export type { AdoptedAlert, KafkaHandoff, KafkaHandoffOptions, StateStoreTopic } from './types';
export type { HandedInventory, HandedState, HandedTold } from './records';

export function createKafkaHandoff(opts: KafkaHandoffOptions): KafkaHandoff {
  const h = new StateHandoff(opts);
  // Own properties, not prototype methods: callers wrap it with a spread ({ ...inner, publish }).
  return {
    subscribeOptions: (ctl) => h.subscribeOptions(ctl),
    publish: (batch) => h.publish(batch),
    noteDelivered: (note) => h.noteDelivered(note),
    owns: (routingKey) => h.owns(routingKey),
    takeBlinds: () => h.takeBlinds(),
    writeAhead: (states, meta) => h.writeAhead(states, meta),
  };
}

class StateHandoff implements KafkaHandoff {
  private readonly ledger = new AlertLedger();
  private readonly rebalance: Rebalance;
  private readonly log: Logger;
  /** Delivery records are written one after another, each carrying every receiver so far. */
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly opts: KafkaHandoffOptions) {
    this.log = opts.logger.child({ component: 'alerter-handoff' });
    this.rebalance = new Rebalance(opts, this.ledger, this.log);
  }

  subscribeOptions(ctl: HandoffControl): SubscribeOptions {
    // The bus's hooks (core/bus/kafka KafkaSubscribeOptions): extra keys an in-process bus ignores.
    const hooks = {
      onAssigned: (partitions: number[]) => this.rebalance.assigned(ctl, partitions),
      onRevoked: (partitions: number[]) => this.rebalance.revoked(ctl, partitions),
    };
    return hooks as SubscribeOptions;
  }

  /**
   * Runs after the batch's transitions are in the outbox and before its offsets are committed.
   * A page decided by a tick is written after the tick: a replica killed in between leaves the
   * pending state, and the new owner pages again under the same dedup key (PagerDuty absorbs it).
   */
  async publish({ changed, transitions, inventory }: HandoffBatch): Promise<void> {
    this.ledger.noteChanges(transitions);
    // The last state of a key wins (a batch may move one alert twice).
    // Graphite rules' blind meta-alerts too: the engine does not hold them (blind-states.ts).
    await this.putStates([...changed, ...blindStates(transitions)], inventoryEntries(inventory));
  }

  /**
   * The states firings lead to, before notify hears of them (alerter/runner/write-ahead.ts);
   * publish writes them again after, with their flap history. Written here, an alert's partition
   * is known to the ledger, so a delivery notify makes of it is recorded at once.
   */
  async writeAhead(states: PersistedAlert[], transitions: AlertTransition[]): Promise<void> {
    await this.putStates([...states, ...blindStates(transitions)], []);
  }

  private async putStates(states: PersistedAlert[], extra: StateEntry[]): Promise<void> {
    // The last state of a key wins (a batch may move one alert twice).
    const last = new Map<string, PersistedAlert>();
    for (const p of states) last.set(p.key, p);
    const filed: string[] = [];
    const entries = [...last.values()].flatMap((p) => this.ledger.entriesOf(p, filed));
    entries.push(...extra);
    await this.opts.stateTopic.putMany(entries);
    this.ledger.filed(filed);
    m.published.inc(entries.length);
  }

  owns(routingKey: string): boolean {
    return this.rebalance.owns(routingKey);
  }

  takeBlinds(): Alert[] {
    return this.rebalance.blinds.takeAll();
  }

  noteDelivered(note: DeliveryNote): Promise<void> {
    const keys = this.ledger.recordDelivery(note);
    if (keys.size === 0) return this.writing;
    this.writing = this.writing.then(() => this.write(this.ledger.toldEntries(keys)));
    return this.writing;
  }

  private async write(entries: StateEntry[]): Promise<void> {
    try {
      await this.opts.stateTopic.putMany(entries);
      m.published.inc(entries.length);
    } catch (err) {
      this.log.warn(
        { err },
        'delivery records not written: the next owner of these alerts may page them again',
      );
    }
  }
}
