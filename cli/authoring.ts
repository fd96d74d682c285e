import { explain, ruleCheck, testRules } from '../alerter/alerter';
import { formatTestReport } from '../alerter/rules/rule-tests-run';
import { explain as notifyDecisions, formatDecisions } from '../alerter/notify';
import { ConfigError, formatProblem, type ConfigProblem } from '../core/errors';
import { StateStore } from '../core/store/store';
import { withSecretsResolvedWhenUsed } from '../core/config/types';
import { configPass, graphiteRulesWithoutUrl } from './check-pass';
import { configSchema, readConfig } from './config';
import { resolveRulePaths } from './alerter';
import { UsageError } from './usage/usage-error';
import { closest } from '../alerter/rules/hint';
import { loadRules } from '../alerter/rules/load';

/** What an authoring command prints and how it exits (0 ok, 1 failed tests, 2 invalid input). */
export interface Outcome {
  out: string;
  code: 0 | 1 | 2;
}

/**
 * `lookout check [paths]`: the config (file or defaults plus LOOKOUT_* env) and every rule
 * file, with every problem at once as file:line:col.
 */
export async function check(paths: string[], configFile?: string): Promise<Outcome> {
  const problems: ConfigProblem[] = [];
  let rulePaths = paths;
  try {
    const cfg = readConfig(configFile);
    if (rulePaths.length === 0) rulePaths = resolveRulePaths(cfg.alerter.rules);
    if (!cfg.alerter.graphite.url) problems.push(...graphiteRulesWithoutUrl(rulePaths));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // Every layer in one pass (issue 14): references and rules too, not only what zod reached.
    const pass = configPass(err.problems, configFile ?? process.env.LOOKOUT_CONFIG, configSchema);
    problems.push(...pass.problems);
    if (rulePaths.length === 0) rulePaths = resolveRulePaths(pass.rulePaths ?? ['rules']);
  }
  const rules = await ruleCheck(rulePaths);
  problems.push(...rules.problems);
  if (problems.length === 0) {
    const where = rulePaths.join(', ');
    // Not an error (a collector-only host may run no rules), but the likelier story is a wrong path.
    if (rules.rules === 0)
      return { out: `ok: config valid; warning: no rules in ${where}: nothing would page`, code: 0 };
    return { out: `ok: config and ${rules.rules} rule(s) in ${where}`, code: 0 };
  }
  return { out: `${problems.map(formatProblem).join('\n')}\n${problems.length} problem(s)`, code: 2 };
}

/** `lookout test [paths]`: the *.test.yaml beside the rules. */
export async function test(paths: string[]): Promise<Outcome> {
  const report = await testRules(paths.length > 0 ? paths : resolveRulePaths(['rules']));
  const code = report.problems.length > 0 ? 2 : report.failed > 0 ? 1 : 0;
  return { out: formatTestReport(report), code };
}

/** `lookout explain <rule or alert key>`: from the running alerter's store, or by replaying a test file. */
export async function explainTarget(
  target: string,
  opts: { config?: string; test?: string; rules?: string[] },
): Promise<Outcome> {
  // Reads the store and the rules only: no secret of the config is needed (or looked up).
  const cfg = withSecretsResolvedWhenUsed(() => readConfig(opts.config));
  const rules = opts.rules && opts.rules.length > 0 ? opts.rules : resolveRulePaths(cfg.alerter.rules);
  const store = opts.test ? undefined : StateStore.open(cfg.state.path);
  try {
    let out = await explain({ rules, target, store, testFile: opts.test });
    // For an alert key, also what notify did with it: routed, grouped, silenced, sent, retried.
    const decisions = store ? notifyDecisions(store, target) : [];
    if (decisions.length === 0 && out.startsWith(`no rule or alert "${target}"`))
      unknownTarget(target, rules);
    if (decisions.length > 0) out += `\n\nnotifications:\n${formatDecisions(decisions)}`;
    return { out, code: 0 };
  } finally {
    store?.close();
  }
}

/**
 * Nothing by that name: a usage error (exit 2) with the nearest rule name, rather than exit 0
 * and a line saying the condition "has never held" of a rule that does not exist.
 */
function unknownTarget(target: string, rules: readonly string[]): never {
  const near = closest(
    target,
    loadRules(rules).rules.map((r) => r.spec.name),
  );
  const hint = near
    ? `; did you mean "${near}"?`
    : ' (a rule name, or an alert key from lookout alerts -o wide)';
  throw new UsageError(`no rule or alert "${target}" in ${rules.join(', ')} or the state store${hint}`);
}
