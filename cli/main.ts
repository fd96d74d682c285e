import { Command, Option } from 'commander';
import { ConfigError, DockerUnavailableError, LookoutError } from '../core/errors';
import { runCommand } from './run';

/** Exit codes: 1 failure while running, 2 bad usage, config or environment (fix and retry). */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

const program = new Command('lookout')
  .description(
    'Monitoring and alerting for Docker hosts: collect logs, stats and events; ship them; evaluate rules; page.',
  )
  .version('0.1.0')
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

function fail(err: unknown): never {
  if (err instanceof ConfigError) {
    process.stderr.write(`lookout: invalid configuration:\n${err.message}\n`);
    process.exit(EXIT_USAGE);
  }
  if (err instanceof DockerUnavailableError) {
    process.stderr.write(`lookout: ${err.message}\n`);
    process.exit(EXIT_USAGE);
  }
  process.stderr.write(
    `lookout: ${err instanceof LookoutError ? err.message : String((err as Error)?.stack ?? err)}\n`,
  );
  process.exit(EXIT_FAILURE);
}

export async function main(argv = process.argv): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (err) {
    fail(err);
  }
}
