import { Option, type Command } from 'commander';
import { LookoutError } from '../../core/errors';
import { addApiOptions, apiEndpoint, durationFlag, type ApiOptions } from '../client/options';
import { getText } from '../client/http';
import { printAnswer } from '../client/print';
import { example } from '../usage/examples';
import { apiFacts } from './api-facts';
import { checkLine, judge, NAGIOS, type Thresholds } from './check';
import { readHealth, type HealthChecks } from './healthz';
import { parseMetrics } from './metrics-text';
import { renderStatus } from './render';
import { snapshotOf, type Snapshot } from './snapshot';

interface StatusOptions extends ApiOptions {
  metrics: string;
  check?: boolean;
  sinkDownWarning: string;
  sinkDownCritical: string;
  spoolWarning: string;
  spoolCritical: string;
  lagWarning: string;
  lagCritical: string;
  outboxWarning: string;
  outboxCritical: string;
  spoolAgeWarning: string;
  spoolAgeCritical: string;
  evalLagWarning: string;
  evalLagCritical: string;
}

function count(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new LookoutError(`${flag} "${text}" is not a number`);
  return n;
}

function thresholds(o: StatusOptions): Thresholds {
  return {
    sinkDownWarnMs: durationFlag('--sink-down-warning', o.sinkDownWarning),
    sinkDownCritMs: durationFlag('--sink-down-critical', o.sinkDownCritical),
    spoolWarn: count('--spool-warning', o.spoolWarning),
    spoolCrit: count('--spool-critical', o.spoolCritical),
    lagWarnBytes: count('--lag-warning', o.lagWarning),
    lagCritBytes: count('--lag-critical', o.lagCritical),
    outboxAgeWarnMs: durationFlag('--outbox-warning', o.outboxWarning),
    outboxAgeCritMs: durationFlag('--outbox-critical', o.outboxCritical),
    spoolAgeWarnMs: durationFlag('--spool-age-warning', o.spoolAgeWarning),
    spoolAgeCritMs: durationFlag('--spool-age-critical', o.spoolAgeCritical),
    evalLagWarnMs: durationFlag('--eval-lag-warning', o.evalLagWarning),
    evalLagCritMs: durationFlag('--eval-lag-critical', o.evalLagCritical),
  };
}

/**
 * /healthz names the parts that run: without a `docker` check there is no collector here (a
 * fleet's `lookout alert`), and the Docker gauges, registered by any process that loads the
 * collector's code, read 0 without meaning "unreachable".
 */
function withHealth(snap: Snapshot, health: HealthChecks | undefined): Snapshot {
  if (!health || 'docker' in health) return { ...snap, health };
  return { ...snap, health, dockerConnected: undefined, containers: undefined };
}

/** `lookout status [--check]`; with --check, the Nagios state is the exit code. */
export async function status(opts: StatusOptions): Promise<string> {
  let limits: Thresholds;
  let text: string;
  let health: HealthChecks | undefined;
  try {
    limits = thresholds(opts);
    const ep = { ...apiEndpoint(opts), url: opts.metrics, token: undefined };
    [text, health] = await Promise.all([getText(ep, 'metrics'), readHealth(ep)]);
  } catch (err) {
    // A check that cannot judge is UNKNOWN, whatever the reason (plugin convention).
    if (!opts.check || !(err instanceof LookoutError)) throw err;
    process.exitCode = NAGIOS.UNKNOWN;
    return `LOOKOUT UNKNOWN - ${err.message}`;
  }
  const snap = withHealth(snapshotOf(parseMetrics(text)), health);
  const now = Date.now();
  const verdict = judge(snap, limits, now);
  const line = checkLine(snap, verdict);
  if (opts.check) {
    process.exitCode = NAGIOS[verdict.level];
    return line;
  }
  return renderStatus(snap, {
    metricsUrl: opts.metrics,
    api: await apiFacts(apiEndpoint(opts)),
    now,
    verdict: line,
  });
}

export function registerStatus(program: Command): void {
  const cmd = program
    .command('status')
    .description(
      "one screen on a running lookout, from its /metrics and API; --check: one line, Nagios's exit codes",
    )
    .addOption(
      new Option('--metrics <url>', "the health server's base URL (/metrics is read from it)")
        .env('LOOKOUT_METRICS_URL')
        .default('http://127.0.0.1:9464'),
    )
    .option('--check', 'print one line and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (not running)')
    .option('--sink-down-warning <duration>', 'a sink retrying this long is WARNING', '1m')
    .option('--sink-down-critical <duration>', 'a sink retrying this long is CRITICAL', '5m')
    .option('--spool-warning <events>', 'events spooled for one sink: WARNING', '10000')
    .option('--spool-critical <events>', 'events spooled for one sink: CRITICAL', '100000')
    .option('--spool-age-warning <duration>', "a sink spool's oldest event this old: WARNING", '15m')
    .option('--spool-age-critical <duration>', "a sink spool's oldest event this old: CRITICAL", '1h')
    .option('--lag-warning <bytes>', "one container's log bytes not yet shipped: WARNING", '10000000')
    .option('--lag-critical <bytes>', "one container's log bytes not yet shipped: CRITICAL", '100000000')
    .option('--outbox-warning <duration>', 'oldest notification waiting this long: WARNING', '2m')
    .option('--outbox-critical <duration>', 'oldest notification waiting this long: CRITICAL', '10m')
    .option('--eval-lag-warning <duration>', 'evaluation this far behind event time: WARNING', '2m')
    .option('--eval-lag-critical <duration>', 'evaluation this far behind event time: CRITICAL', '10m');
  addApiOptions(cmd).action((opts: StatusOptions) => printAnswer('status', status(opts)));
  example(cmd, 'lookout status --check --sink-down-critical 2m --metrics http://127.0.0.1:9464');
}
