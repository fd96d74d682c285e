import type { Command } from 'commander';

/** Remembered per command so the test can ask, for every command, whether it has one. */
const given = new WeakSet<Command>();

/** Adds one example under a command's --help: what an operator copies at 2 a.m. */
export function example(cmd: Command, text: string): Command {
  given.add(cmd);
  return cmd.addHelpText('after', `\nExample:\n  ${text}\n`);
}

export function hasExample(cmd: Command): boolean {
  return given.has(cmd);
}

/** The path of a command below the root, e.g. "silence add". */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Every command below `root`, depth first. */
export function allCommands(root: Command): Command[] {
  return root.commands.flatMap((c) => [c, ...allCommands(c)]);
}

/** Examples of the commands registered in main.ts; commands in their own module call example(). */
const EXAMPLES: Record<string, string> = {
  run: 'lookout run --config /etc/lookout/lookout.yaml',
  collect: 'lookout collect --sink stdout',
  alert: 'lookout alert --bus kafka --config /etc/lookout/alerter.yaml',
  check: 'lookout check rules/',
  test: 'lookout test rules/',
  explain: 'lookout explain container_crash_loop',
  silence: 'lookout silence add --match service=web --for 30m --comment "deploy"',
  'silence add': 'lookout silence add --match service=web --match host=db1 --for 2h --comment "disk swap"',
  'silence list': 'lookout silence list --all',
  'silence expire': 'lookout silence expire 3f2a',
  backtest: 'lookout backtest rules/app.yaml --rule checkout_slow --from -7d --max-pages 3',
};

export function addExamples(root: Command): void {
  for (const cmd of allCommands(root)) {
    const text = EXAMPLES[commandPath(cmd)];
    if (text && !hasExample(cmd)) example(cmd, text);
  }
}
