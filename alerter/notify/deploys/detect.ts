/**
 * Deploys seen in lifecycle events: a service's containers replaced by ones running another
 * image. Both orders count: stop-then-start (recreate) and start-then-stop (rolling). Twenty
 * replicas replaced together make one deploy, not twenty.
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

interface Seen {
  image: string;
  at: number;
  ids: string[];
}

interface ServiceState {
  started?: Seen;
  gone?: Seen;
  lastDeploy?: { toImage: string; at: number };
  /** Image each running container of the service was started from. */
  running: Record<string, string>;
}

export type DeployState = Record<string, ServiceState>;

const GONE = new Set(['die', 'destroy', 'stop', 'kill']);

function note(seen: Seen | undefined, image: string, at: number, id: string): Seen {
  if (seen && seen.image === image) return { image, at, ids: [...new Set([...seen.ids, id])] };
  return { image, at, ids: [id] };
}

/** Folds events into `state` (mutated) and returns the deploys they reveal. */
export function detectDeploys(state: DeployState, events: LifecycleEvent[], windowMs: number): Deploy[] {
  const out: Deploy[] = [];
  for (const e of events) {
    const key = `${e.host}|${e.container.service}`;
    const s = (state[key] ??= { running: {} });
    const image = e.container.image;
    let from: string | undefined;
    if (e.action === 'start') {
      s.running[e.container.id] = image;
      s.started = note(s.started, image, e.ts, e.container.name);
      // Recreate: the old image went away shortly before.
      if (s.gone && s.gone.image !== image && e.ts - s.gone.at <= windowMs) from = s.gone.image;
      // Rolling: another image still runs beside the new one.
      const other = Object.entries(s.running).find(([id, img]) => id !== e.container.id && img !== image);
      if (!from && other) from = other[1];
    } else if (GONE.has(e.action)) {
      delete s.running[e.container.id];
      s.gone = note(s.gone, image, e.ts, e.container.name);
      if (s.started && s.started.image !== image && e.ts - s.started.at <= windowMs) {
        from = image;
        if (!s.lastDeploy || s.lastDeploy.toImage !== s.started.image || e.ts - s.lastDeploy.at > windowMs) {
          s.lastDeploy = { toImage: s.started.image, at: e.ts };
          out.push({ host: e.host, service: e.container.service, fromImage: from, toImage: s.started.image, containers: s.started.ids, at: e.ts });
        }
        continue;
      }
    }
    if (from && e.action === 'start' && (!s.lastDeploy || s.lastDeploy.toImage !== image || e.ts - s.lastDeploy.at > windowMs)) {
      s.lastDeploy = { toImage: image, at: e.ts };
      out.push({ host: e.host, service: e.container.service, fromImage: from, toImage: image, containers: [e.container.name], at: e.ts });
    }
  }
  // Forget services quiet for long, so the state stays small.
  for (const [k, s] of Object.entries(state)) {
    const last = Math.max(s.started?.at ?? 0, s.gone?.at ?? 0);
    const newest = events[events.length - 1]?.ts ?? last;
    if (Object.keys(s.running).length === 0 && newest - last > 10 * windowMs) delete state[k];
  }
  return out;
}
