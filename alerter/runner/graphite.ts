import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import type { Engine } from '../engine/engine';
import { graphiteRuleRoute, type Owns } from '../graphite/ownership';
import type { Alert } from '../types';
import { GraphitePoller, type GraphitePollerConfig } from '../graphite/poller';
import type { TransitionDelivery } from './delivery';
import type { HandoffBuffer } from './handoff-buffer';
import type { SerialQueue } from './serial';

/** How often the poller looks for rules that are due (each rule has its own `interval`). */
const POLL_EVERY_MS = 1000;

/**
 * Runs the Graphite poller beside the bus subscriptions: its samples and meta-alerts go through
 * the same serial queue as events, so the engine is never touched from two places at once.
 */
export function startGraphitePoller(deps: {
  config: GraphitePollerConfig;
  clock: Clock;
  log: Logger;
  engine: Engine;
  serial: SerialQueue;
  delivery: TransitionDelivery;
  handoff?: HandoffBuffer;
  /** A fleet's ownership of rules (alerter/graphite/ownership.ts); absent: every rule is ours. */
  owns?: Owns;
  /** A fleet's blind meta-alerts taken over with their rules (GraphitePollerDeps.takeHandedBlind). */
  takeHandedBlind?: () => Alert[];
}): { poller: GraphitePoller; stop(): Promise<void> } {
  const { engine, serial, delivery, handoff, owns } = deps;
  const poller = new GraphitePoller({
    config: deps.config,
    clock: deps.clock,
    log: deps.log.child({ part: 'graphite' }),
    rules: () => engine.rules(),
    owns,
    takeHandedBlind: deps.takeHandedBlind,
    feed: (samples, meta) =>
      serial.run(async () => {
        // Asked again in the queue: a rule whose partition was revoked while its query was out
        // must not make groups here again after the revocation released them.
        const mine = owns ? samples.filter((s) => owns(s.route ?? '')) : samples;
        // A meta-alert too: its state went with the partition (alerter/kafka), the new owner's now.
        const metaMine = owns ? meta.filter((t) => owns(graphiteRuleRoute(t.alert.labels.rule ?? ''))) : meta;
        const t = mine.length > 0 ? engine.ingest(mine) : [];
        // A fleet writes their firings' states (blind meta-alerts' too) ahead of notify (runner/write-ahead.ts).
        await delivery.deliver([...t, ...metaMine]);
        // Written now, not at the next tick: a kill in between leaves the next owner a stale state.
        await handoff
          ?.flush()
          .catch((err: unknown) =>
            deps.log.warn({ err }, 'alert states not handed off; retrying with the next batch'),
          );
      }),
  });
  poller.poll();
  const timer = setInterval(() => poller.poll(), POLL_EVERY_MS);
  timer.unref();
  return {
    poller,
    async stop() {
      clearInterval(timer);
      await poller.stop();
    },
  };
}
