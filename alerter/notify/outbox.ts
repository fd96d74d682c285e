/**
 * The durable outbox. A notification is written here in the same transaction that decides to
 * send it, and deleted only after its receiver accepted it: a crash, an outage or a kill -9
 * delays it, never drops it. Rows of one group leave in order (a resolve never overtakes its
 * trigger). Who sends when is lanes.ts: each receiver drains on its own, so one slow or failing
 * receiver holds up only itself.
 */
import type { Clock } from '../../core/clock';
import { deadline } from '../../core/deadline';
import { isRetriable, PermanentDeliveryError, TransientDeliveryError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { backoffDelay, type RetryPolicy } from '../../core/retry';
import type { StateStore } from '../../core/store/store';
import { recordDecision } from './decisions';
import { deliveries } from './metrics';
import { deleteOutboxRow, insertOutboxRow, markFailed, scheduleRetry, type OutboxRow } from './store/outbox';
import type { ChangeNotice, DeliveryNote, Notification, Notifier } from './types';

// The API, the CLI and the tests read the outbox through these.
export { failedRows, pendingRows, type OutboxRow } from './store/outbox';

/** Queues one notification for `receiver`, due now; returns its outbox id. */
export function enqueue(
  store: StateStore,
  receiver: string,
  kind: OutboxRow['kind'],
  groupId: string,
  payload: object,
  now: number,
): number {
  return insertOutboxRow(store, receiver, kind, groupId, payload, now);
}

/** The rows due now, per receiver, skipping any row queued behind a not-yet-due row of its group. */
export function dueByReceiver(rows: OutboxRow[], now: number): Map<string, OutboxRow[]> {
  const blocked = new Set<string>();
  const out = new Map<string, OutboxRow[]>();
  for (const r of rows) {
    const lane = `${r.receiver}|${r.group_id}`;
    if (blocked.has(lane)) continue;
    if (r.next_at > now) {
      blocked.add(lane);
      continue;
    }
    const list = out.get(r.receiver) ?? [];
    list.push(r);
    out.set(r.receiver, list);
  }
  return out;
}

export interface Receiver {
  notifier: Notifier;
  retry: RetryPolicy;
  /** How many of its groups may be in flight at once (lanes.ts; default DEFAULT_IN_FLIGHT). */
  inFlight?: number;
  /**
   * The outbox's own deadline for one send, ms (default DEFAULT_SEND_DEADLINE_MS): a backstop
   * behind the notifier's timeout, so a notifier that ignores its signal cannot wedge a lane.
   */
  deadlineMs?: number;
}

/** Four groups at once: enough for a burst of pages, few enough not to flood one endpoint. */
export const DEFAULT_IN_FLIGHT = 4;
export const DEFAULT_SEND_DEADLINE_MS = 60_000;

export interface DeliverDeps {
  store: StateStore;
  receivers: Map<string, Receiver>;
  clock: Clock;
  logger: Logger;
  signal: AbortSignal;
  /** Told of each notification a receiver accepted, after its row left the outbox. */
  onDelivered?: (note: DeliveryNote) => void;
}

function alertKeys(row: OutboxRow, payload: Notification | ChangeNotice): string[] {
  if (row.kind === 'change')
    return [`deploy:${(payload as ChangeNotice).host}/${(payload as ChangeNotice).service}`];
  const n = payload as Notification;
  return [...n.firing, ...n.resolved].map((a) => a.key);
}

type Step = 'delivered' | 'retrying' | 'rejected';

/** One attempt at one row; which method depends on what the row carries. */
function sendOnce(
  r: Receiver | undefined,
  row: OutboxRow,
  payload: Notification | ChangeNotice,
  signal: AbortSignal,
) {
  if (!r) throw new PermanentDeliveryError(`no receiver named ${row.receiver} in the config any more`);
  if (row.kind === 'alerts') return r.notifier.send(payload as Notification, signal);
  if (!r.notifier.sendChange)
    throw new PermanentDeliveryError(`receiver ${row.receiver} takes no change events`);
  return r.notifier.sendChange(payload as ChangeNotice, signal);
}

/** sendOnce under the receiver's hard deadline: past it the attempt counts as failed, retriable. */
async function send(
  r: Receiver | undefined,
  row: OutboxRow,
  payload: Notification | ChangeNotice,
  signal: AbortSignal,
): Promise<{ answer?: string }> {
  const ms = r?.deadlineMs ?? DEFAULT_SEND_DEADLINE_MS;
  const limit = deadline(ms, signal);
  const givenUp = new Promise<never>((_, reject) =>
    limit.signal.addEventListener(
      'abort',
      () => reject(new TransientDeliveryError(`${row.receiver} gave no answer within ${ms} ms`)),
      { once: true },
    ),
  );
  givenUp.catch(() => undefined); // settled by the race below, or left unobserved once it is over
  try {
    return await Promise.race([sendOnce(r, row, payload, limit.signal), givenUp]);
  } finally {
    limit.done();
  }
}

/** Sends one row and records the outcome; false when it failed (retry scheduled or given up). */
export async function deliverOne(d: DeliverDeps, r: Receiver | undefined, row: OutboxRow): Promise<boolean> {
  const payload = { ...(JSON.parse(row.payload) as object), id: row.id } as Notification | ChangeNotice;
  const keys = alertKeys(row, payload);
  const log = d.logger.child({ receiver: row.receiver, outbox: row.id });
  // Each alert the row names gets the outcome in its decision log, in the row's transaction.
  const note = (step: Step, detail: Record<string, unknown>) =>
    keys.forEach((k) =>
      recordDecision(
        d.store,
        k,
        d.clock.now(),
        step,
        { receiver: row.receiver, outbox: row.id, ...detail },
        row.group_id,
      ),
    );
  try {
    const res = await send(r, row, payload, d.signal);
    d.store.tx(() => {
      deleteOutboxRow(d.store, row.id);
      note('delivered', { answer: res.answer });
    });
    deliveries.inc({ receiver: row.receiver, result: 'ok' });
    log.debug({ answer: res.answer }, 'delivered');
    if (row.kind === 'alerts') tellDelivered(d, row, payload as Notification, log);
    return true;
  } catch (err) {
    const message = (err as Error).message;
    const attempts = row.attempts + 1;
    if (isRetriable(err) && r && attempts < r.retry.maxAttempts) {
      const delay = backoffDelay(r.retry, row.attempts);
      scheduleRetry(d.store, row.id, attempts, d.clock.now() + delay, message);
      d.store.tx(() => note('retrying', { attempt: attempts, error: message, retry_in_ms: delay }));
      deliveries.inc({ receiver: row.receiver, result: 'retry' });
      log.warn({ attempt: attempts, retryInMs: delay, err: message }, 'delivery failed, will retry');
    } else {
      markFailed(d.store, row.id, attempts, message);
      d.store.tx(() => note('rejected', { attempt: attempts, error: message }));
      deliveries.inc({ receiver: row.receiver, result: 'rejected' });
      log.error({ attempt: attempts, err: message }, 'notification rejected; it will not be retried');
    }
    return false;
  }
}

/**
 * After the row is gone, not before: a crash in between repeats the page on a fleet's new owner
 * (a rare repeat) rather than having it believe a page went out that did not.
 */
function tellDelivered(d: DeliverDeps, row: OutboxRow, n: Notification, log: Logger): void {
  if (!d.onDelivered) return;
  const brief = (a: { key: string; firedAt?: number }) => ({ key: a.key, firedAt: a.firedAt });
  try {
    d.onDelivered({
      receiver: row.receiver,
      incidentKey: n.incidentKey,
      at: d.clock.now(),
      firing: n.firing.map(brief),
      resolved: n.resolved.map(brief),
    });
  } catch (err) {
    log.warn({ err }, 'onDelivered failed');
  }
}
