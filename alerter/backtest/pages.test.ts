import type { Alert, AlertTransition, Severity } from '../types';
import { countPages, stockNotifyConfig } from './pages';

const alert = (rule: string, container: string, severity: Severity = 'warning'): Alert => ({
  key: `${rule}/${container}`,
  rule,
  kind: 'threshold',
  severity,
  labels: { host: 'h1', container, service: container },
  summary: `${rule} on ${container}`,
  state: 'firing',
});

const fires = (a: Alert, at: number): AlertTransition => ({ alert: a, from: 'pending', to: 'firing', at });
const resolves = (a: Alert, at: number): AlertTransition => ({
  alert: { ...a, state: 'resolved' },
  from: 'firing',
  to: 'resolved',
  at,
});

const range = { from: 0, until: 600_000, stepMs: 1_000 };

test.each([
  {
    name: 'three containers of one rule and host firing together: one aggregate page',
    transitions: ['c1', 'c2', 'c3'].flatMap((c) => [
      fires(alert('hot', c), 10_000),
      resolves(alert('hot', c), 90_000),
    ]),
    pages: { hot: 1 },
  },
  {
    name: 'a critical mutes the warning beside it: only the critical pages',
    transitions: [
      fires(alert('disk_crit', 'c1', 'critical'), 10_000),
      fires(alert('disk_warn', 'c1'), 10_000),
    ],
    pages: { disk_crit: 1 },
  },
  {
    name: 'a rule that fires, resolves and fires again: two incidents',
    transitions: [
      fires(alert('hot', 'c1'), 10_000),
      resolves(alert('hot', 'c1'), 60_000),
      fires(alert('hot', 'c1'), 120_000),
    ],
    pages: { hot: 2 },
  },
])('stock routing: $name', ({ transitions, pages }) => {
  const counted = countPages(transitions, stockNotifyConfig(), range);
  expect(Object.fromEntries(counted.pagesByRule)).toEqual(pages);
  const total = Object.values(pages).reduce((a, b) => a + b, 0);
  expect(counted.receivers.map((r) => [r.receiver, r.paging, r.pages])).toEqual([['pagerduty', true, total]]);
});

test('a problem that starts on the last step still pages once its group has waited', () => {
  const counted = countPages([fires(alert('hot', 'c1'), 600_000)], stockNotifyConfig(), range);
  expect(counted.pagesByRule.get('hot')).toBe(1);
});
