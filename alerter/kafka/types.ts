import type { StateEntry } from '../../core/bus/kafka/state-topic';
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import type { AlerterHandoff } from '../alerter';
import type { DeliveryNote, Told } from '../notify/types';
import type { Alert } from '../types';

/** A load that reads on from where it stopped (core/bus/kafka/state-load.ts). */
export interface StateLoading {
  /** Every live state read so far, after reading on to the end the partitions have now. */
  readOn(): Promise<Map<string, { value: unknown; partition: number }>>;
  close(): Promise<void>;
}

/** What the hand-off needs of core/bus/kafka's StateTopic (KafkaBus.stateTopic()). */
export interface StateStoreTopic {
  putMany(entries: StateEntry[]): Promise<void>;
  openLoad(partitions: number[]): StateLoading;
  partitionOf(routingKey: string): number;
}

export interface KafkaHandoffOptions {
  stateTopic: StateStoreTopic;
  logger: Logger;
  clock: Clock;
  /**
   * Firing alerts this replica took over, with their flap history and what each receiver was
   * told of them. The engine emits no transition for them; notify, whose tables are per
   * replica, must learn them here (notify's takeOver), or it drops their later resolve as
   * "never seen firing". Awaited before the partitions' events are evaluated; a rejection
   * retries the whole assignment.
   */
  onAdopted?(adopted: AdoptedAlert[]): Promise<void> | void;
  /**
   * Alerts of revoked partitions (keys): another replica owns them now, and its notify learns
   * them (onAdopted). Notify's tables here should forget them (notify's release), or they are
   * repeated from here after repeat_interval. A rejection is logged, the revocation stands.
   */
  onReleased?(keys: string[]): Promise<void> | void;
  /**
   * How long a new owner waits for the last owner of a partition to release it (fence.ts), ms;
   * default 5 s. Paid in full only when that owner died without releasing.
   */
  handoverWaitMs?: number;
  /**
   * This replica across its restarts (replica-id.ts): after a crash it does not wait for its own
   * previous run to release a partition. Absent: it waits, as for any other holder.
   */
  replica?: string;
  /** Assignment changes as they are handled (tests, logs). */
  onAssignment?(e: { kind: 'assigned' | 'revoked'; partitions: number[]; states: number }): void;
}

export interface AdoptedAlert {
  alert: Alert;
  /** When it went firing or resolved lately (event time, ms), oldest first. */
  changes: number[];
  /** Per receiver: what it was last told of the alert, by any replica (empty: nothing recorded). */
  told: Record<string, Told>;
}

/** The fleet's hand-off, plus the delivery records notify feeds it (NotifierDeps.onDelivered). */
export interface KafkaHandoff extends AlerterHandoff {
  /**
   * Records what a receiver was told, for the alerts this replica owns (others are skipped: their
   * new owner keeps their records). Writes are serialized; resolves once this one is in the topic
   * (or failed: logged, never thrown).
   */
  noteDelivered(note: DeliveryNote): Promise<void>;
  /** Whether a routing key's partition is this replica's now (its states adopted, not revoked). */
  owns(routingKey: string): boolean;
  /** Graphite rules' blind meta-alerts adopted with their partitions (blind-states.ts), each handed once. */
  takeBlinds(): Alert[];
}
