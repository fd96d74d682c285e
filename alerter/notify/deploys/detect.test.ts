import type { LifecycleAction, LifecycleEvent } from '../../../core/events';
import { detectDeploys, type DeployState } from './detect';

const ev = (
  ts: number,
  action: LifecycleAction,
  name: string,
  image: string,
  service = 'web',
): LifecycleEvent => ({
  kind: 'lifecycle',
  host: 'h1',
  ts,
  action,
  container: { id: name, name, image, labels: {}, service },
});

const W = 600_000;

test.each<[string, LifecycleEvent[], Array<[string, string]>]>([
  [
    'recreate: old dies, new starts',
    [ev(0, 'start', 'a', 'web:1'), ev(1000, 'die', 'a', 'web:1'), ev(2000, 'start', 'b', 'web:2')],
    [['web:1', 'web:2']],
  ],
  [
    'rolling: new starts, then old goes',
    [ev(0, 'start', 'a', 'web:1'), ev(1000, 'start', 'b', 'web:2'), ev(2000, 'destroy', 'a', 'web:1')],
    [['web:1', 'web:2']],
  ],
  [
    'a restart with the same image is no deploy',
    [ev(0, 'start', 'a', 'web:1'), ev(1000, 'die', 'a', 'web:1'), ev(2000, 'start', 'a', 'web:1')],
    [],
  ],
  [
    'a one-off job beside running replicas is no deploy',
    [ev(0, 'start', 'a', 'web:1'), ev(1000, 'start', 'job', 'tools:1')],
    [],
  ],
  [
    'another service replaced is its own story',
    [ev(0, 'start', 'a', 'web:1'), ev(1000, 'die', 'a', 'web:1'), ev(2000, 'start', 'x', 'api:2', 'api')],
    [],
  ],
  [
    'the old one went too long ago',
    [ev(0, 'start', 'a', 'web:1'), ev(1000, 'die', 'a', 'web:1'), ev(1000 + W + 1, 'start', 'b', 'web:2')],
    [],
  ],
  [
    'three replicas replaced make one deploy',
    [
      ...['a', 'b', 'c'].map((n, i) => ev(i, 'start', n, 'web:1')),
      ...['a', 'b', 'c'].flatMap((n, i) => [
        ev(1000 + i * 10, 'die', n, 'web:1'),
        ev(1005 + i * 10, 'start', `${n}2`, 'web:2'),
      ]),
    ],
    [['web:1', 'web:2']],
  ],
])('%s', (_name, events, want) => {
  const state: DeployState = {};
  expect(detectDeploys(state, events, W).map((d) => [d.fromImage, d.toImage])).toEqual(want);
});

test('state carries across batches', () => {
  const state: DeployState = {};
  expect(detectDeploys(state, [ev(0, 'start', 'a', 'web:1'), ev(1000, 'die', 'a', 'web:1')], W)).toEqual([]);
  expect(
    detectDeploys(JSON.parse(JSON.stringify(state)) as DeployState, [ev(2000, 'start', 'b', 'web:2')], W),
  ).toHaveLength(1);
});
