import path from 'node:path';
import type { ContainerMeta } from '../../../core/events';
import { explain } from '../../rules/explain';
import { combineWants, expectedSize, readWant, type HostWant } from './expected-size';

const web = (name: string, replicas?: string): ContainerMeta => ({
  id: `${name}-id`,
  name,
  image: 'web:1',
  labels: replicas === undefined ? {} : { 'lookout.replicas': replicas },
  service: 'web',
});

const hostOf = (...cs: ContainerMeta[]): HostWant => {
  const acc: HostWant = {};
  for (const c of cs) readWant(acc, c);
  return acc;
};

test.each([
  ['no label', [web('w1')], {}],
  ['one value', [web('w1', '3'), web('w2', '3')], { want: 3 }],
  ['replicas disagree: the highest', [web('w1', '3'), web('w2', '5'), web('w3', '4')], { want: 5 }],
  ['spaces around the number', [web('w1', ' 4 ')], { want: 4 }],
  [
    'zero is not a size',
    [web('w1', '0')],
    { bad: 'container w1: label lookout.replicas="0" is not a positive integer' },
  ],
  [
    'a word, beside a good one',
    [web('w1', 'three'), web('w2', '2')],
    { want: 2, bad: 'container w1: label lookout.replicas="three" is not a positive integer' },
  ],
  [
    'a fraction',
    [web('w1', '2.5')],
    { bad: 'container w1: label lookout.replicas="2.5" is not a positive integer' },
  ],
  [
    'a negative',
    [web('w1', '-3')],
    { bad: 'container w1: label lookout.replicas="-3" is not a positive integer' },
  ],
])('one host, %s', (_name, containers, expected) => {
  expect(hostOf(...containers)).toEqual(expected);
});

test('hosts combine at the highest; a pool with nothing running keeps its last size', () => {
  const two = combineWants([{ want: 2 }, { want: 4 }, {}], 5, {});
  expect(two).toEqual({ wanted: 4, bad: undefined });
  expect(combineWants([], 0, two).wanted).toBe(4);
  // Containers run but none is labelled (the label was taken off): the rule's number again.
  expect(combineWants([{}], 2, two).wanted).toBeUndefined();
});

test.each([
  [{ wanted: 4 }, { size: 4, why: 'label lookout.replicas' }],
  [{}, { size: 2, why: "no container carries lookout.replicas; the rule's min_running is used" }],
  [
    { bad: 'container w1: label lookout.replicas="x" is not a positive integer' },
    {
      size: 2,
      why: 'container w1: label lookout.replicas="x" is not a positive integer; the rule\'s min_running is used',
    },
  ],
])('expected size of %j with min_running 2', (labelled, expected) => {
  expect(expectedSize(labelled, 2)).toEqual(expected);
});

test('lookout explain names the container and the label of a bad value, and the fallback used', async () => {
  const dir = path.join(__dirname, '../../rules/testdata/per-service');
  const out = await explain({
    rules: [path.join(dir, 'services.yaml')],
    target: 'web_short_of_replicas',
    testFile: path.join(dir, 'services.test.yaml'),
  });
  expect(out).toContain(
    "fewer than the containers' label lookout.replicas (else 2) running containers per service",
  );
  expect(out).toContain(
    'firing: 1 running, at least 2 wanted (container web-1: label lookout.replicas="three" is not a positive integer; the rule\'s min_running is used)',
  );
  expect(out).toContain('firing: 3 running, at least 4 wanted (label lookout.replicas)');
});
