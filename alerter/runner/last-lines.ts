/**
 * What a container printed before it died. The alerter sees every log line on the bus, so it
 * keeps the last LINES lines of each container (bounded: line length, container count) and the
 * exit of its last death; a `die` that carries the lines the collector read from the engine
 * (collector/sources/lifecycle/log-tail.ts) replaces them, since the stream may lag behind it, and hands them to a lifecycle alert (crash loop, OOM, exit) when it
 * fires. Lines and exit are frozen at the firing, so the resolve, the incident page and any
 * repeat show what led up to the page, not what the restarted container printed since.
 */
import {
  LAST_LINE_MAX_CHARS,
  LAST_LINES_MAX,
  type LifecycleEvent,
  type LogEvent,
  type LookoutEvent,
} from '../../core/events';
import type { AlertDeath, AlertTransition } from '../types';

/** The figure: enough to see a stack trace, small enough for a PagerDuty event and a mail. */
export const LINES = LAST_LINES_MAX;
/** Longer lines are cut: 50 of them stay under 20 KB in PagerDuty's custom_details. */
export const MAX_LINE_CHARS = LAST_LINE_MAX_CHARS;
/** Containers remembered; the least recently heard from is forgotten first. */
const MAX_CONTAINERS = 2_000;

interface Tail {
  lines: string[];
  death?: AlertDeath;
  /** Event time of a `die` that brought its own lines: older lines arriving late are in them already. */
  coveredUntil?: number;
}

export class LastLines {
  private readonly tails = new Map<string, Tail>();
  /** Per alert key, what was attached at its firing. */
  private readonly frozen = new Map<string, { lines: string[]; death?: AlertDeath }>();

  observe(events: readonly LookoutEvent[]): void {
    for (const ev of events) {
      if (ev.kind === 'log') this.line(ev);
      else if (ev.kind === 'lifecycle') this.lifecycle(ev);
    }
  }

  /** Adds lines and exit to lifecycle alerts that fire, and keeps them on their later transitions. */
  attach(transitions: readonly AlertTransition[]): AlertTransition[] {
    return transitions.map((t) => {
      const a = t.alert;
      if (a.kind !== 'lifecycle' || !a.labels.container) return t;
      if (t.to === 'firing' && !this.frozen.has(a.key)) {
        const tail = this.tails.get(key(a.labels.host ?? '', a.labels.container));
        this.frozen.set(a.key, { lines: [...(tail?.lines ?? [])], death: tail?.death });
      }
      const kept = this.frozen.get(a.key);
      if (t.to === 'resolved' || t.to === 'inactive') this.frozen.delete(a.key);
      if (!kept) return t;
      const lines = kept.lines.length ? { lastLines: kept.lines } : {};
      return { ...t, alert: { ...a, ...lines, ...(kept.death ? { death: kept.death } : {}) } };
    });
  }

  private tail(host: string, container: string): Tail {
    const k = key(host, container);
    let t = this.tails.get(k);
    if (t) this.tails.delete(k);
    else t = { lines: [] };
    // Re-inserted: the Map's order is then least recently heard from first.
    this.tails.set(k, t);
    if (this.tails.size > MAX_CONTAINERS) this.tails.delete(this.tails.keys().next().value!);
    return t;
  }

  private line(ev: LogEvent): void {
    const t = this.tail(ev.host, ev.container.name);
    if (t.coveredUntil !== undefined && ev.ts <= t.coveredUntil) return;
    t.lines.push(cut(ev.message));
    if (t.lines.length > LINES) t.lines.splice(0, t.lines.length - LINES);
  }

  private lifecycle(ev: LifecycleEvent): void {
    if (ev.action !== 'die' && ev.action !== 'oom') return;
    const t = this.tail(ev.host, ev.container.name);
    const before = t.death;
    t.death = {
      exitCode: ev.action === 'die' ? ev.exitCode : before?.exitCode,
      oomKilled: ev.oomKilled === true || ev.action === 'oom' || undefined,
      deaths: (before?.deaths ?? 0) + (ev.action === 'die' ? 1 : 0),
      restartCount: ev.action === 'die' ? ev.restartCount : before?.restartCount,
      at: ev.ts,
    };
    if (t.death.restartCount === undefined) delete t.death.restartCount;
    // The collector read these from the engine at the die: they win over a ring the log stream
    // has not caught up with (a container that exits once may have none in it yet).
    if (ev.action === 'die' && ev.lastLines?.length) {
      t.lines = ev.lastLines.slice(-LINES).map(cut);
      t.coveredUntil = ev.ts;
    }
  }
}

function cut(line: string): string {
  return line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line;
}

function key(host: string, container: string): string {
  return `${host}\u0000${container}`;
}
