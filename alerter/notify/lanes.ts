/**
 * Delivery lanes: each receiver drains the outbox on its own, so a receiver that hangs or keeps
 * failing (a scaling coordinator, a webhook, a mail relay) never holds back a page to another
 * (issue 13). Within a receiver, a group's rows leave one at a time and in order (a resolve
 * never overtakes its trigger), and at most `inFlight` groups are in flight at once. A failed
 * row waits out its backoff in the outbox (`next_at`); the loop's next kick finds it due.
 *
 *   kick() ─► due rows per receiver ─► one lane per group (≤ inFlight) ─► deliverOne
 *                 ▲                                                          │
 *                 └──────────── kick(receiver) when the lane ends ◄──────────┘
 */
import { oldestPendingSeconds, outboxDepth } from './metrics';
import { DEFAULT_IN_FLIGHT, deliverOne, dueByReceiver, type DeliverDeps, type OutboxRow } from './outbox';
import { pendingRows, pendingRowsFor } from './store/outbox';

export class DeliveryLanes {
  /** Per receiver, the groups with a send in flight. */
  private readonly busy = new Map<string, Set<string>>();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly d: DeliverDeps) {}

  /** Starts a lane for every due group that has none, within each receiver's bound; returns at once. */
  kick(): void {
    if (this.d.signal.aborted) return;
    const rows = pendingRows(this.d.store);
    const now = this.d.clock.now();
    outboxDepth.set(rows.length);
    oldestPendingSeconds.set(rows.length ? Math.max(0, (now - rows[0]!.created_at) / 1000) : 0);
    for (const [name, due] of dueByReceiver(rows, now)) this.fill(name, due);
  }

  /** How many of `receiver`'s groups have a send in flight now. */
  inFlight(receiver: string): number {
    return this.busy.get(receiver)?.size ?? 0;
  }

  /** Resolves once no lane runs (a lane that ends may start the next row of its receiver). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  /** After a lane ends: nobody awaits it, so a failure here is logged, never left unhandled. */
  private kickReceiver(name: string): void {
    if (this.d.signal.aborted) return;
    try {
      const due = dueByReceiver(pendingRowsFor(this.d.store, name), this.d.clock.now()).get(name);
      if (due) this.fill(name, due);
    } catch (err) {
      this.d.logger.error({ err, receiver: name }, 'cannot read the outbox; the next pass tries again');
    }
  }

  private fill(name: string, due: OutboxRow[]): void {
    let busy = this.busy.get(name);
    if (!busy) this.busy.set(name, (busy = new Set()));
    const receiver = this.d.receivers.get(name);
    const bound = receiver?.inFlight ?? DEFAULT_IN_FLIGHT;
    for (const row of due) {
      if (busy.size >= bound) return;
      // A later row of a group in flight waits for it: dueByReceiver lists a group's rows in order.
      if (busy.has(row.group_id)) continue;
      busy.add(row.group_id);
      const lane = deliverOne(this.d, receiver, row)
        .then(
          () => undefined,
          (err: unknown) => this.d.logger.error({ err, receiver: name }, 'delivery lane failed'),
        )
        .finally(() => {
          busy.delete(row.group_id);
          this.running.delete(lane);
          this.kickReceiver(name);
        });
      this.running.add(lane);
    }
  }
}

/** Sends what is due now, once (tests and one-off passes); resolves when every lane is idle. */
export async function deliverDue(d: DeliverDeps): Promise<void> {
  const lanes = new DeliveryLanes(d);
  lanes.kick();
  await lanes.idle();
}
