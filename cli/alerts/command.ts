import { Option, type Command } from 'commander';
import { parseMatcher } from '../../alerter/notify';
import { useColor } from '../../core/color';
import { addApiOptions, apiEndpoint, durationFlag, type ApiOptions } from '../client/options';
import { getJson } from '../client/http';
import { printAnswer } from '../client/print';
import { example } from '../usage/examples';
import { formatAlerts, type OutputFormat } from './format';
import { pendingAlerts } from './pending';
import { selectAlerts, type ApiAlert } from './select';

interface AlertsOptions extends ApiOptions {
  silenced?: boolean;
  inhibited?: boolean;
  resolved?: string;
  output: OutputFormat;
}

/** `lookout alerts [MATCHER...]`: what is firing now, read from a running alerter's API. */
export async function alerts(matcherTexts: string[], opts: AlertsOptions): Promise<string> {
  const matchers = matcherTexts.map(parseMatcher);
  const resolvedWithinMs =
    opts.resolved === undefined ? undefined : durationFlag('--resolved', opts.resolved);
  const ep = apiEndpoint(opts);
  const [notified, pending] = await Promise.all([
    getJson<ApiAlert[]>(ep, 'api/v1/alerts'),
    pendingAlerts(ep),
  ]);
  const rows = [...notified, ...pending];
  const now = Date.now();
  const shown = selectAlerts(
    rows,
    { matchers, silenced: Boolean(opts.silenced), inhibited: Boolean(opts.inhibited), resolvedWithinMs },
    now,
  );
  return formatAlerts(shown, { output: opts.output, now, color: useColor(process.stdout) });
}

export function registerAlerts(program: Command): void {
  const cmd = program
    .command('alerts')
    .description(
      'alerts firing and pending now (muted ones and recent resolves on request), from the alerter API',
    )
    .argument(
      '[matchers...]',
      'label matchers as in routes and silences: name=value, name!=value, name=~re, name!~re',
    )
    .option('--silenced', 'also alerts a silence mutes')
    .option('--inhibited', 'also alerts another alert inhibits')
    .option('--resolved <duration>', 'also alerts resolved within this long, e.g. 1h')
    .addOption(
      new Option('-o, --output <format>', 'table, wide (adds key and summary) or json')
        .choices(['table', 'wide', 'json'])
        .default('table'),
    );
  addApiOptions(cmd).action((matchers: string[], opts: AlertsOptions) =>
    printAnswer('alerts', alerts(matchers, opts)),
  );
  example(cmd, 'lookout alerts severity=critical service=~"web|api" --silenced --output wide');
}
