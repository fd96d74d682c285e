import type { z } from 'zod';
import type { Logger } from '../../core/logger';
import type { Clock } from '../../core/clock';
import type { RetryPolicy } from '../../core/retry';
import type { Alert } from '../types';
import type { AlertLinks } from '../links';

/** One alert as a notification carries it: the engine's alert plus the links built for it. */
export interface NotifiedAlert extends Alert {
  links: AlertLinks;
  /** Set while the alert changes state too often: it is held firing and announced once. */
  flapping?: boolean;
}

/**
 * What one receiver is asked to deliver: one group of alerts at one moment. `status` is
 * `resolved` only when every alert of the group has resolved (the resolve fast path).
 */
export interface Notification {
  /** Outbox row id: stable across retries, so a receiver can de-duplicate. */
  id: number;
  receiver: string;
  /** Route path and group label values; stable across restarts and alerters. */
  groupKey: string;
  groupLabels: Record<string, string>;
  /**
   * The incident key (PagerDuty dedup_key): the key of the alert that opened the group, kept
   * until the group resolves, so a trigger, its updates and its resolve all name one incident.
   */
  incidentKey: string;
  status: 'firing' | 'resolved';
  firing: NotifiedAlert[];
  resolved: NotifiedAlert[];
  /** Event time the notification was made (ms epoch). */
  at: number;
  /** Link to this group's decision log in the alerter API, when its base URL is configured. */
  explainUrl?: string;
  /**
   * How many entities the problem touches: the firing alerts of an aggregate (a rule over a
   * service) or of the group, plus the alerts the firing ones mute (a silent host's containers).
   */
  affected?: number;
  /** Firing alerts this notification's alerts mute (superseded, inhibited): shown, not paged. */
  related?: RelatedAlert[];
  /** Set on an aggregate: the labels its members share (rule, service). */
  aggregate?: Record<string, string>;
}

export interface RelatedAlert {
  key: string;
  rule: string;
  summary: string;
  labels: Record<string, string>;
  /** The inhibit rule's name (or index) and the alert that mutes it. */
  reason: string;
  by: string;
}

/** A deploy seen in lifecycle events, sent as a change event. */
export interface ChangeNotice {
  id: number;
  receiver: string;
  kind: 'deploy';
  host: string;
  service: string;
  fromImage: string;
  toImage: string;
  containers: string[];
  at: number;
}

export interface NotifierDeps {
  logger: Logger;
  clock: Clock;
}

/**
 * One integration. `send` resolves when the receiver accepted the notification and throws a
 * LookoutError whose `retriable` says whether trying again can help (TransientDeliveryError)
 * or not (PermanentDeliveryError). Retries are the outbox's job, never the notifier's.
 */
export interface Notifier {
  readonly name: string;
  readonly type: string;
  send(n: Notification, signal: AbortSignal): Promise<{ answer?: string }>;
  /** Deploy change events, for the integrations that have them. */
  sendChange?(c: ChangeNotice, signal: AbortSignal): Promise<{ answer?: string }>;
  close?(): Promise<void>;
}

/** A notifier kind: its config schema, its retry policy (data, not code), and its factory. */
export interface NotifierKind<S extends z.ZodType = z.ZodType> {
  type: string;
  schema: S;
  /**
   * Whether it wakes someone, notifying on a new incident key only (PagerDuty): such a receiver
   * defaults to one notification per alert; the others to a digest per host (grouping.ts).
   */
  pages: boolean;
  retry: RetryPolicy;
  create(config: z.output<S>, deps: NotifierDeps): Notifier;
}

/**
 * What one receiver was last told about one alert, by whichever notify (of a fleet's replicas)
 * delivered it. A fleet keeps it with the alert's state, so the replica that takes the alert
 * over knows whether its firing was announced already.
 */
export interface Told {
  status: 'firing' | 'resolved';
  /** The firing episode told of (the alert's firedAt): a later episode is news again. */
  firedAt?: number;
  incidentKey: string;
  /** Clock time of the delivery: the repeat interval runs from here. */
  at: number;
}

/** A notification a receiver accepted, as notify reports it (NotifierDeps.onDelivered). */
export interface DeliveryNote {
  receiver: string;
  incidentKey: string;
  /** Clock time of the delivery. */
  at: number;
  firing: Array<{ key: string; firedAt?: number }>;
  resolved: Array<{ key: string; firedAt?: number }>;
}

/** A firing alert this notify takes over from another replica of a fleet. */
export interface TakenOverAlert {
  alert: Alert;
  /** When it went firing or resolved lately (event time, ms): the flap count, carried across. */
  changes: number[];
  /** Per receiver name: what that receiver was last told about the alert (absent: nothing). */
  told: Record<string, Told>;
}
