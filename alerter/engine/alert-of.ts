/** The alert a group's transition pages with: its labels, words and state (moved out of runtime.ts, which keeps groups). */
import type { CompiledRule } from '../rules/compile';
import { defaultSummary } from '../rules/default-summary';
import { renderTemplate } from '../rules/template';
import type { Alert } from '../types';
import type { Observation } from './evaluator';
import type { Group } from './model';

export function alertOf(rule: CompiledRule, g: Group, obs: Observation | undefined): Alert {
  const spec = rule.spec;
  const a = g.alert;
  const labels = { ...g.labels, ...spec.labels };
  const value = obs?.value ?? a.value;
  const vars: Record<string, string | number | undefined> = {
    ...labels,
    value,
    threshold: obs?.threshold,
    rule: spec.name,
    severity: spec.severity,
  };
  return {
    key: g.dedup,
    rule: spec.name,
    kind: spec.kind,
    severity: spec.severity,
    labels,
    summary: renderTemplate(spec.summary ?? defaultSummary(spec, rule.groupBy), vars),
    description: spec.description ? renderTemplate(spec.description, vars) : undefined,
    runbook: spec.runbook,
    dashboard: spec.dashboard,
    metric: 'metric' in spec ? spec.metric : undefined,
    value,
    threshold: obs?.threshold,
    state: a.state,
    activeAt: a.activeAt,
    firedAt: a.firedAt,
    resolvedAt: a.resolvedAt,
    lastLines: obs?.lines?.length ? [...obs.lines] : undefined,
    detail: obs?.detail || undefined,
  };
}
