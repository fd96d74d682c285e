/**
 * A fleet's hand-off writes the state a firing leads to before notify hears of the firing (a
 * write ahead), for every rule kind: notify's outbox is per replica, so the order decides what
 * an owner killed around its notify leaves to the next owner of the partition:
 *   - killed before the write: nothing was sent; the next owner fires the alert itself;
 *   - killed after the write, before notify took the firing: the next owner adopts it firing,
 *     and notify's takeOver pages every receiver (no delivery record says anyone was told);
 *   - killed after notify took it: as above, but the receivers its notify reached are recorded
 *     with the state (the hand-off knows the alert's partition from the write), so the adopted
 *     alert is not sent to them again.
 * Written after notify, as before, the state was missing in the last two cases and the next
 * owner fired the alert again: a second mail and webhook for one problem.
 *
 * Only firings go ahead. A resolve written ahead and lost with its replica would leave the
 * receivers a page nobody closes; written after, the next owner adopts the alert firing and
 * resolves it itself. A slow state topic holds a page back for at most `deadlineMs`: then notify
 * hears of it anyway and the state is written after it, as it used to be.
 */
import type { Logger } from '../../core/logger';
import type { Engine, PersistedAlert } from '../engine/engine';
import type { AlertTransition } from '../types';

/** AlerterHandoff.writeAhead: the engine's states, plus the transitions of alerts it does not hold. */
export type WriteAheadFn = (states: PersistedAlert[], transitions: AlertTransition[]) => Promise<void>;

/** How long a page waits for its state to be written ahead of it. */
export const WRITE_AHEAD_DEADLINE_MS = 5000;

export class WriteAhead {
  constructor(
    private readonly deps: { engine: Engine; write: WriteAheadFn; log: Logger; deadlineMs?: number },
  ) {}

  /** Resolves once the firings' states are written, or the deadline passed (logged, never thrown). */
  async before(transitions: readonly AlertTransition[]): Promise<void> {
    const firings = transitions.filter((t) => t.to === 'firing');
    if (firings.length === 0) return;
    const ms = this.deps.deadlineMs ?? WRITE_AHEAD_DEADLINE_MS;
    try {
      await within(this.deps.write(firingStates(this.deps.engine, firings), firings), ms);
    } catch (err) {
      this.deps.log.warn({ err }, 'alert states not written ahead of notify: written after it');
    }
  }
}

/**
 * The engine's states of the alerts `firings` fired, those still firing (one that resolved again
 * in the same batch is not). Alerts the engine does not hold (a Graphite rule's blind
 * meta-alert) are not among them: the hand-off files those from their transition.
 */
export function firingStates(engine: Engine, firings: readonly AlertTransition[]): PersistedAlert[] {
  const keysByRule = new Map<string, Set<string>>();
  for (const { alert } of firings) {
    const keys = keysByRule.get(alert.rule) ?? new Set<string>();
    keys.add(alert.key);
    keysByRule.set(alert.rule, keys);
  }
  const out: PersistedAlert[] = [];
  for (const [rule, keys] of keysByRule)
    for (const p of engine.runtime(rule)?.persisted() ?? [])
      if (p.state === 'firing' && keys.has(p.key)) out.push(p);
  return out;
}

/** Settles with `write`, or rejects after `ms`. */
export async function within(write: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`state topic did not answer within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([write, late]);
  } finally {
    clearTimeout(timer);
  }
}
