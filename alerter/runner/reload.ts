import { type ConfigProblem, formatProblem } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { Engine } from '../engine/engine';
import { alerterMetrics as m } from '../engine/metrics';
import { compileRules } from '../rules/compile';
import type { EvalDeps } from '../engine/evaluator';
import { loadRules } from '../rules/load';
import type { TransitionDelivery } from './delivery';

/** What a reload did: how many rules are live, and what was wrong with the files if it kept the old ones. */
export interface ReloadResult {
  ok: boolean;
  rules: number;
  problems: ConfigProblem[];
}

/** Re-reads the rule files; a broken edit keeps the last good rules and reports what is wrong. */
export class RuleReloader {
  constructor(
    private readonly paths: readonly string[],
    private readonly evalDeps: EvalDeps,
    private readonly engine: Engine,
    private readonly delivery: TransitionDelivery,
    private readonly log: Logger,
  ) {}

  async reload(): Promise<ReloadResult> {
    const r = loadRules(this.paths);
    m.lastReloadAt.setToCurrentTime();
    m.lastReloadOk.set(r.problems.length > 0 ? 0 : 1);
    if (r.problems.length > 0) {
      m.reloads.inc({ result: 'rejected' });
      this.log.error(
        { problems: r.problems.map(formatProblem) },
        'rules not reloaded: keeping the last good rules',
      );
      return { ok: false, rules: this.engine.rules().length, problems: r.problems };
    }
    const t = this.engine.setRules(compileRules(r.rules, this.evalDeps));
    m.reloads.inc({ result: 'ok' });
    m.rules.set(r.rules.length);
    this.log.info({ rules: r.rules.length }, 'rules reloaded');
    // A removed rule's firing alerts resolve: notify hears of it now.
    await this.delivery.deliver(t);
    return { ok: true, rules: r.rules.length, problems: [] };
  }
}
