import { Command, Option } from 'commander';
import { ConfigError, DockerUnavailableError, formatProblem, LookoutError } from '../core/errors';
import { tuneHeapForEventStreams } from '../core/heap-tuning';
import { runCommand } from './run';
import { check, explainTarget, test, type Outcome } from './authoring';
import { backtestAction, type BacktestCliOptions } from './backtest';
import { withKeyHints } from './check-pass';
import { configSchema } from './config';
import { silenceAdd, silenceExpire, silenceList } from './silence';
import { VERSION } from './version';
import { buildCommit } from './commit';
import {
  CommanderError,
  exitCodeOf,
  quietOnClosedPipe,
  throwOnUsageErrors,
  unknownCommand,
} from './usage/behave';
import { EXIT_CODES_HELP, EXIT_FINDINGS, EXIT_USAGE } from './usage/exit-codes';
import { UsageError } from './usage/usage-error';
import { addExamples } from './usage/examples';
import { registerAlerts } from './alerts/command';
import { registerStatus } from './status/command';

/** Exit codes (documented in cli/usage/exit-codes.ts): 1 failure while running, 2 bad usage, config or environment. */
export const EXIT_FAILURE = EXIT_FINDINGS;
export { EXIT_USAGE };

const program = new Command('lookout')
  .description(
    'Monitoring and alerting for Docker hosts: collect logs, stats and events; ship them; evaluate rules; page.',
  )
  .version(VERSION)
  .addHelpText('after', EXIT_CODES_HELP)
  .showHelpAfterError();

const configOption = () =>
  new Option(
    '-c, --config <file>',
    'YAML config file (env: LOOKOUT_CONFIG; every key also from LOOKOUT_<SECTION>__<KEY>)',
  );

program
  .command('run', { isDefault: true })
  .description('collector and alerter in one process: the embedded default for one host')
  .addOption(configOption())
  .action((opts: { config?: string }) => runCommand({ mode: 'run', configFile: opts.config }));

program
  .command('collect')
  .description('the collector alone: discover containers, tail logs, read stats and events, ship them')
  .addOption(configOption())
  .option('--sink <type...>', 'override the configured sinks (e.g. --sink stdout)')
  .addOption(new Option('--bus <type>', 'where events go besides the sinks').choices(['memory', 'kafka']))
  .action((opts: { config?: string; sink?: string[]; bus?: 'memory' | 'kafka' }) =>
    runCommand({ mode: 'collect', configFile: opts.config, sinks: opts.sink, bus: opts.bus }),
  );

program
  .command('alert')
  .description("the alerter alone, consuming the collectors' events from Kafka")
  .addOption(configOption())
  .addOption(new Option('--bus <type>', 'where events come from').choices(['kafka']).default('kafka'))
  .action((opts: { config?: string; bus?: 'kafka' }) =>
    runCommand({ mode: 'alert', configFile: opts.config, bus: opts.bus }),
  );

/** Prints an authoring command's outcome and sets the exit code. */
async function report(run: Promise<Outcome | string> | Outcome | string): Promise<void> {
  const r = await run;
  const { out, code } = typeof r === 'string' ? { out: r, code: 0 } : r;
  (code === 0 ? process.stdout : process.stderr).write(`${out}\n`);
  process.exitCode = code;
}

program
  .command('check')
  .description('validate the config and the rule files: every problem at once, as file:line:col')
  .argument('[paths...]', 'rule files or folders (default: alerter.rules from the config)')
  .addOption(configOption())
  .action((paths: string[], opts: { config?: string }) => report(check(paths, opts.config)));

program
  .command('backtest')
  .description('replay metric rules over Graphite history: pending and firing intervals, pages, time firing')
  .argument('[paths...]', 'rule files or folders (default: alerter.rules from the config)')
  .option('--rule <name>', 'only this rule')
  .option('--from <time>', 'start: -7d, -90m, an ISO date or unix seconds', '-7d')
  .option('--until <time>', 'end', 'now')
  .option('--graphite <url>', 'graphite-web (default: alerter.graphite.url)')
  .option('--prefix <prefix>', "where collector metrics are (default: the config's, else lookout)")
  .option('--via <carbon|statsd>', "how they reached Graphite (default: the config's sinks, else carbon)")
  .option('--png <file>', 'also write the series, thresholds and firing intervals as a PNG')
  .option('--max-pages <n>', 'exit 1 when a rule would have paged more than n times')
  .addOption(configOption())
  .action((paths: string[], opts: BacktestCliOptions) => report(backtestAction(paths, opts)));

program
  .command('test')
  .description("run the rules' *.test.yaml files (input series, logs and events; expected alerts)")
  .argument('[paths...]', 'rule folders or test files (default: rules/)')
  .action((paths: string[]) => report(test(paths)));

program
  .command('explain')
  .description('why an alert fired or did not: values, windows and transitions')
  .argument('<target>', 'a rule name or an alert key')
  .addOption(configOption())
  .option('--test <file>', "replay this *.test.yaml instead of reading the running alerter's state")
  .option('--rules <paths...>', 'rule files or folders')
  .action((target: string, opts: { config?: string; test?: string; rules?: string[] }) =>
    report(explainTarget(target, opts)),
  );

const silence = program
  .command('silence')
  .description('mute matching alerts for a while (recorded, not sent)');
silence
  .command('add')
  .description('add a silence, e.g. --match service=web --for 30m --comment "deploy"')
  .requiredOption(
    '-m, --match <matcher...>',
    'label matchers: name=value, name!=value, name=~regex, name!~regex',
  )
  .requiredOption('--for <duration>', 'how long, e.g. 30m, 2h')
  .requiredOption('--comment <text>', 'why (shown to whoever wonders where the pages went)')
  .option('--by <who>', 'author (default: $USER)')
  .addOption(configOption())
  .action((opts: { match: string[]; for: string; comment: string; by?: string; config?: string }) =>
    report(silenceAdd(opts)),
  );
silence
  .command('list')
  .description('active silences (--all: expired ones too)')
  .option('--all', 'include expired silences')
  .addOption(configOption())
  .action((opts: { all?: boolean; config?: string }) => report(silenceList(opts)));
silence
  .command('expire')
  .description('end a silence now')
  .argument('<id>', 'the silence id (or a unique prefix)')
  .addOption(configOption())
  .action((id: string, opts: { config?: string }) => report(silenceExpire({ id, config: opts.config })));

// Commands that ask a running lookout, one module each.
registerAlerts(program);
registerStatus(program);

function fail(err: unknown): never {
  if (err instanceof ConfigError) {
    // The same "did you mean" that `lookout check` gives, for a typo met by `lookout run`.
    const problems = withKeyHints([...err.problems], configSchema).map(formatProblem);
    process.stderr.write(`lookout: invalid configuration:\n${problems.join('\n')}\n`);
    process.exit(EXIT_USAGE);
  }
  if (err instanceof DockerUnavailableError || err instanceof UsageError) {
    process.stderr.write(`lookout: ${err.message}\n`);
    process.exit(EXIT_USAGE);
  }
  process.stderr.write(
    `lookout: ${err instanceof LookoutError ? err.message : String((err as Error)?.stack ?? err)}\n`,
  );
  process.exit(EXIT_FAILURE);
}

export async function main(argv = process.argv): Promise<void> {
  tuneHeapForEventStreams();
  addExamples(program);
  throwOnUsageErrors(program);
  quietOnClosedPipe();
  const args = argv.slice(2);
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
    process.stdout.write(`lookout ${VERSION} (commit ${buildCommit()})\n`);
    return;
  }
  const unknown = unknownCommand(program, args);
  if (unknown) {
    process.stderr.write(unknown);
    process.exit(EXIT_USAGE);
  }
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) process.exit(exitCodeOf(err));
    fail(err);
  }
}

/** The command tree, for the test that every command has its own help and an example. */
export function commandTree(): Command {
  addExamples(program);
  return program;
}
