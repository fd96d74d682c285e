/**
 * From lifecycle events to queued change notices: detect deploys (detect.ts, whose per-service
 * memory is kept in the state store so a rollout spanning a restart is still one deploy) and
 * queue one change notice per deploy for each receiver that takes them, in one transaction.
 */
import type { LifecycleEvent } from '../../../core/events';
import type { StateStore } from '../../../core/store/store';
import { deploysSeen } from '../metrics';
import { enqueue } from '../outbox';
import { detectDeploys, type DeployState } from './detect';

const DEPLOY_NS = 'notify.deploys';

export interface DeployEventsOptions {
  /** A replacement counts as one deploy when the new container starts within this of the old one going. */
  windowMs: number;
  /** Receiver names a change notice goes to (receivers.ts changeReceivers). */
  receivers: readonly string[];
}

/** Returns how many deploys it found. */
export function queueDeploys(
  store: StateStore,
  events: LifecycleEvent[],
  opts: DeployEventsOptions,
  now: number,
): number {
  return store.tx(() => {
    const state = store.get<DeployState>(DEPLOY_NS, 'state') ?? {};
    const found = detectDeploys(state, events, opts.windowMs);
    store.put(DEPLOY_NS, 'state', state);
    for (const d of found) {
      deploysSeen.inc();
      for (const name of opts.receivers)
        enqueue(
          store,
          name,
          'change',
          `deploy:${d.host}/${d.service}`,
          { kind: 'deploy', receiver: name, ...d },
          now,
        );
    }
    return found.length;
  });
}
