/**
 * Deploys seen in lifecycle events: a service's containers replaced by ones running another
 * image. Both orders count: old gone then new started (recreate), and new started then old
 * gone (rolling), each within `window`. Twenty replicas replaced together make one deploy.
 * A container started beside the old ones that stay (a one-off job) is not a deploy.
 */
import type { LifecycleEvent } from '../../../core/events';

export interface Deploy {
  host: string;
  service: string;
  fromImage: string;
  toImage: string;
  containers: string[];
  at: number;
}

interface ServiceState {
  /** Image of the service's latest start. */
  image?: string;
  /** The latest container of the service to go away. */
  gone?: { image: string; at: number };
  /** A new image started while the old still ran: a deploy once an old one goes. */
  pending?: { from: string; to: string; at: number; containers: string[] };
  last?: { to: string; at: number; containers: string[] };
  seenAt: number;
}

export type DeployState = Record<string, ServiceState>;

const GONE = new Set(['die', 'destroy', 'stop']);

export function detectDeploys(state: DeployState, events: LifecycleEvent[], windowMs: number): Deploy[] {
  const out: Deploy[] = [];
  const emit = (e: LifecycleEvent, s: ServiceState, from: string, to: string, containers: string[]) => {
    // More replicas of the same rollout join the deploy already announced.
    if (s.last && s.last.to === to && e.ts - s.last.at <= windowMs)
      return void s.last.containers.push(...containers);
    s.last = { to, at: e.ts, containers: [...containers] };
    out.push({
      host: e.host,
      service: e.container.service,
      fromImage: from,
      toImage: to,
      containers,
      at: e.ts,
    });
  };
  for (const e of events) {
    const key = `${e.host}|${e.container.service}`;
    const s = (state[key] ??= { seenAt: e.ts });
    s.seenAt = e.ts;
    const image = e.container.image;
    if (e.action === 'start') {
      const prev = s.image;
      s.image = image;
      if (prev === undefined || prev === image) {
        if (s.pending?.to === image) s.pending.containers.push(e.container.name);
        continue;
      }
      if (s.gone && s.gone.image === prev && e.ts - s.gone.at <= windowMs)
        emit(e, s, prev, image, [e.container.name]);
      else s.pending = { from: prev, to: image, at: e.ts, containers: [e.container.name] };
    } else if (GONE.has(e.action)) {
      s.gone = { image, at: e.ts };
      const p = s.pending;
      if (p && p.from === image && e.ts - p.at <= windowMs) {
        s.pending = undefined;
        emit(e, s, p.from, p.to, p.containers);
      }
    }
  }
  // Forget services not seen for long, so the state stays small.
  const newest = events[events.length - 1]?.ts ?? 0;
  for (const [k, s] of Object.entries(state)) if (newest - s.seenAt > 30 * windowMs) delete state[k];
  return out;
}
