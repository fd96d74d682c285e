import type { LifecycleAction, LifecycleEvent } from '../../../core/events';
import { baseAction, type DockerEvent } from '../docker/events';
import { metaFromAttributes } from '../docker/inspect';
import type { ContainerInfo } from '../docker/types';

const ACTIONS = new Set<LifecycleAction>([
  'create',
  'start',
  'die',
  'oom',
  'kill',
  'stop',
  'restart',
  'pause',
  'unpause',
  'health_status',
  'destroy',
]);

/**
 * Signals sent to make a process reload or rotate, not to end it (`docker kill -s HUP`): a
 * die after one of these is not the user's doing.
 */
const RELOAD_SIGNALS = new Set([
  'SIGHUP',
  'HUP',
  '1',
  'SIGUSR1',
  'USR1',
  '10',
  'SIGUSR2',
  'USR2',
  '12',
  'SIGWINCH',
  'WINCH',
  '28',
]);

export interface MapperOptions {
  /** How long a `kill`/`stop` explains a later `die`: covers the stop timeout (compose's longest defaults are a few minutes). */
  userWindowMs?: number;
  /** How long an `oom` explains a later `die`. */
  oomWindowMs?: number;
}

/**
 * Turns Engine API container events into LifecycleEvents.
 *
 * Intent heuristic: the engine never says why a container died, but it does say when someone
 * asked for it. `docker stop` emits `kill` (SIGTERM, then SIGKILL after the timeout) before the
 * `die`, then `stop`; `docker kill` and `docker rm -f` emit `kill` then `die`; compose and
 * swarm go through the same API. A crash, an OOM kill by the kernel or an exit on its own
 * emits `die` with no `kill` before it. So a `die` that follows a terminating `kill` (or a
 * `stop`) of the same container within `userWindowMs` gets `intent: 'user'`; reload signals
 * (HUP, USR1, USR2, WINCH) do not count. Misses: a process killed from inside the container or
 * by `kill` on the host looks like a crash, which is the safe side (it pages).
 *
 * Stateful only through those two short windows, keyed by container; it takes event times,
 * not the wall clock, so it is a pure function of the event sequence.
 */
export class LifecycleMapper {
  private readonly userAsked = new Map<string, number>();
  private readonly oomAt = new Map<string, number>();
  private readonly userWindowMs: number;
  private readonly oomWindowMs: number;

  constructor(
    private readonly host: string,
    opts: MapperOptions = {},
  ) {
    this.userWindowMs = opts.userWindowMs ?? 5 * 60_000;
    this.oomWindowMs = opts.oomWindowMs ?? 60_000;
  }

  map(ev: DockerEvent, info: ContainerInfo | undefined): LifecycleEvent | undefined {
    const action = baseAction(ev.Action) as LifecycleAction;
    if (!ACTIONS.has(action)) return undefined; // exec_*, attach, rename, resize, top...
    const id = ev.Actor.ID;
    const attrs = ev.Actor.Attributes;
    const ts = ev.timeNano ? Math.floor(ev.timeNano / 1e6) : ev.time * 1000;
    const out: LifecycleEvent = {
      kind: 'lifecycle',
      host: this.host,
      ts,
      action,
      container: info?.meta ?? metaFromAttributes(id, attrs),
    };
    switch (action) {
      case 'kill':
        if (attrs.signal !== undefined) out.signal = attrs.signal;
        if (!RELOAD_SIGNALS.has(String(attrs.signal).toUpperCase())) this.userAsked.set(id, ts);
        break;
      case 'stop':
        this.userAsked.set(id, ts);
        break;
      case 'oom':
        this.oomAt.set(id, ts);
        break;
      case 'health_status': {
        const h = ev.Action.slice(ev.Action.indexOf(':') + 1).trim();
        if (h === 'healthy' || h === 'unhealthy' || h === 'starting') out.health = h;
        break;
      }
      case 'die':
        this.die(out, id, attrs, info, ts);
        break;
      case 'start':
      case 'destroy':
        this.userAsked.delete(id);
        this.oomAt.delete(id);
        break;
      default:
        break;
    }
    return out;
  }

  private die(
    out: LifecycleEvent,
    id: string,
    attrs: Record<string, string>,
    info: ContainerInfo | undefined,
    ts: number,
  ): void {
    // The engine sends exitCode as a string ("137").
    const code = Number(attrs.exitCode ?? info?.exitCode);
    if (Number.isFinite(code)) out.exitCode = code;
    // dockerd 20.10 puts no restart count on the event; inspect after it has one (see core/events.ts).
    const restarts = Number(attrs.restartCount ?? info?.restartCount);
    if (Number.isInteger(restarts) && restarts >= 0) out.restartCount = restarts;
    const oom = this.oomAt.get(id);
    out.oomKilled = info?.oomKilled === true || (oom !== undefined && ts - oom <= this.oomWindowMs);
    const asked = this.userAsked.get(id);
    if (asked !== undefined && ts - asked <= this.userWindowMs) out.intent = 'user';
    this.userAsked.delete(id);
    this.oomAt.delete(id);
  }
}
