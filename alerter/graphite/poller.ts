import type { Clock } from '../../core/clock';
import type { MetricSample } from '../../core/events';
import type { Logger } from '../../core/logger';
import type { CompiledRule } from '../rules/compile';
import type { RuleOf } from '../rules/schema';
import type { Alert, AlertTransition } from '../types';
import { deadline } from '../../core/deadline';
import { BlindWatch } from './blind';
import { graphiteRuleRoute, ownsAll, type Owns } from './ownership';
import { renderJson } from './render';
import { seriesSamples } from './render';

export interface GraphitePollerConfig {
  url?: string;
  max_concurrent: number;
  blind_after: number;
}

export interface GraphitePollerDeps {
  config: GraphitePollerConfig;
  clock: Clock;
  log: Logger;
  /** The rules loaded now (they change on reload). */
  rules(): readonly CompiledRule[];
  /** A fleet's replica polls only the rules whose key it owns (ownership.ts); default all. */
  owns?: Owns;
  /**
   * Blind meta-alerts another replica fired and this one took over with their rules' partitions
   * (alerter/kafka): consumed, so each is handed once. Absent: nothing is ever handed.
   */
  takeHandedBlind?(): Alert[];
  /** Samples into the engine and meta-alert transitions to notify, in the alerter's serial queue. */
  feed(samples: MetricSample[], meta: AlertTransition[]): Promise<void>;
}

type GraphiteSpec = RuleOf<'graphite'>;

interface RuleSlot {
  nextAt: number;
  busy: boolean;
  /** Last datapoint fed per series name. */
  fed: Map<string, number>;
  /** Logging an outage once: set at its first failure, cleared by a good answer. */
  down: boolean;
  fingerprint: string;
}

/**
 * Asks graphite-web, every rule's `interval`, for the target of each Graphite rule, and feeds
 * the new datapoints to the engine. Each request has a deadline (the rule's `timeout`, at most
 * its interval) and at most `max_concurrent` are in flight, so a slow target never delays
 * another rule nor the rest of the alerter (which never waits for Graphite).
 */
export class GraphitePoller {
  private readonly slots = new Map<string, RuleSlot>();
  private readonly blind: BlindWatch;
  private inFlight = 0;
  private readonly running = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private warnedNoUrl = false;

  constructor(private readonly deps: GraphitePollerDeps) {
    this.blind = new BlindWatch(deps.config.blind_after);
  }

  /** Starts what is due now; the alerter calls it every second or so. */
  poll(): void {
    const now = this.deps.clock.now();
    const owns = this.deps.owns ?? ownsAll;
    const loaded = this.deps.rules().filter((r) => r.spec.kind === 'graphite');
    const rules = loaded.filter((r) => owns(graphiteRuleRoute(r.name)));
    // Before retire: one of a rule gone from the files resolves there, one moved on is dropped.
    for (const a of this.deps.takeHandedBlind?.() ?? []) this.blind.adopt(a.labels.rule ?? '', a);
    // A rule gone from the files, or now another replica's, is no longer polled here.
    this.retire(new Set(loaded.map((r) => r.name)), new Set(rules.map((r) => r.name)), now);
    if (rules.length === 0) return;
    const url = this.deps.config.url;
    if (!url && !this.warnedNoUrl)
      this.deps.log.error('Graphite rules are loaded but alerter.graphite.url is not set');
    this.warnedNoUrl = !url;
    for (const r of rules) {
      if (this.inFlight >= this.deps.config.max_concurrent) return;
      const slot = this.slotOf(r, now);
      if (slot.busy || slot.nextAt > now) continue;
      slot.busy = true;
      slot.nextAt = now + (r.spec as GraphiteSpec).interval;
      this.inFlight++;
      // Without a URL every interval counts as failed, so the meta-alert says so too.
      const p = this.query(url ?? '', r, slot, now).finally(() => {
        slot.busy = false;
        this.inFlight--;
        this.running.delete(p);
      });
      this.running.add(p);
    }
  }

  /** Waits for the queries in flight (tests, and a clean stop). */
  async settle(): Promise<void> {
    await Promise.all([...this.running]);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.settle();
  }

  private slotOf(r: CompiledRule, now: number): RuleSlot {
    let slot = this.slots.get(r.name);
    if (!slot || slot.fingerprint !== r.fingerprint) {
      slot = { nextAt: now, busy: false, fed: new Map(), down: false, fingerprint: r.fingerprint };
      this.slots.set(r.name, slot);
    }
    return slot;
  }

  private retire(loaded: ReadonlySet<string>, mine: ReadonlySet<string>, now: number): void {
    for (const name of this.slots.keys()) if (!mine.has(name)) this.slots.delete(name);
    // Moved: the meta-alert's state went with the partition, its new owner resolves it.
    for (const rule of this.blind.rules()) if (loaded.has(rule) && !mine.has(rule)) this.blind.drop(rule);
    const meta = this.blind.forget(loaded, now);
    if (meta.length > 0) this.track(this.deps.feed([], meta));
  }

  private track(p: Promise<void>): void {
    const q = p
      .catch((err: unknown) => this.deps.log.error({ err }, 'Graphite samples not fed'))
      .finally(() => this.running.delete(q));
    this.running.add(q);
  }

  private async query(url: string, r: CompiledRule, slot: RuleSlot, now: number): Promise<void> {
    const spec = r.spec as GraphiteSpec;
    const { log } = this.deps;
    const limit = Math.min(spec.timeout, spec.interval);
    // core/deadline, not AbortSignal.any: under memory pressure the composite's timeout can be
    // collected before it fires, and a target that never answers would hold its rule forever.
    const guard = deadline(limit, this.stopping.signal);
    let samples: MetricSample[];
    try {
      if (!url) throw new Error('alerter.graphite.url is not set');
      const series = await renderJson(url, spec.target, now - spec.window - spec.interval, now, guard.signal);
      // Routed by the rule (ownership.ts) in a fleet only: elsewhere the route changes nothing.
      const route = this.deps.owns ? graphiteRuleRoute(r.name) : undefined;
      samples = seriesSamples(spec.target, series, slot.fed, route);
    } catch (err) {
      if (this.stopping.signal.aborted) return;
      const reason = !(err instanceof Error)
        ? String(err)
        : err.name === 'TimeoutError'
          ? `timeout: ${err.message}`
          : err.message;
      if (!slot.down)
        log.error(
          { rule: r.name, target: spec.target, reason },
          'Graphite query failed; the rule is frozen until it answers',
        );
      slot.down = true;
      await this.deps.feed([], this.blind.failed(r.name, spec.target, reason, this.deps.clock.now()));
      return;
    } finally {
      guard.done();
    }
    if (slot.down)
      log.info(
        { rule: r.name, failedIntervals: this.blind.failedIntervals(r.name) },
        'Graphite answers again',
      );
    slot.down = false;
    await this.deps.feed(samples, this.blind.ok(r.name, this.deps.clock.now()));
  }
}
