import { commandTree } from '../main';
import { allCommands, commandPath, hasExample } from './examples';
import { unknownCommand } from './behave';
import { editDistance, nearest } from './suggest';

const root = commandTree();

test.each(allCommands(root).map((c) => [commandPath(c), c] as const))(
  '`lookout %s --help` shows its own usage and one example',
  (path, cmd) => {
    expect(hasExample(cmd)).toBe(true);
    let help = '';
    cmd.configureOutput({ writeOut: (s) => (help += s) });
    cmd.outputHelp();
    expect(help).toContain(`Usage: lookout ${path}`);
    expect(help.match(/\nExample:\n {2}lookout /g)).toHaveLength(1);
  },
);

test.each([
  ['alret', 'alert'],
  ['chekc', 'check'],
  ['sil', 'silence'],
  ['explian', 'explain'],
  ['nosuch', undefined],
  ['x', undefined],
])('the nearest command to %s is %s', (typed, want) => {
  expect(nearest(typed, ['run', 'collect', 'alert', 'check', 'test', 'explain', 'silence'])).toBe(want);
});

test('a swap of two letters is one edit', () => {
  expect(editDistance('alerts', 'alrets')).toBe(1);
  expect(editDistance('', 'run')).toBe(3);
});

test('only a first word that names no command is unknown: options, commands and help pass', () => {
  expect(unknownCommand(root, ['--config', 'x.yaml'])).toBeUndefined();
  expect(unknownCommand(root, ['check', 'rules'])).toBeUndefined();
  expect(unknownCommand(root, ['help', 'check'])).toBeUndefined();
  expect(unknownCommand(root, [])).toBeUndefined();
  expect(unknownCommand(root, ['chek'])).toContain('unknown command "chek": did you mean "check"?');
});
