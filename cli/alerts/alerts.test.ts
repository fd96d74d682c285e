import { parseMatcher } from '../../alerter/notify';
import type { Alert } from '../../alerter/types';
import { formatAlerts } from './format';
import { selectAlerts, type ApiAlert, type Selection } from './select';

const NOW = Date.UTC(2026, 11, 6, 2, 0, 0);
const MIN = 60_000;

function row(
  key: string,
  over: Partial<Omit<ApiAlert, 'alert'>> & { alert?: Partial<Alert> } = {},
): ApiAlert {
  const alert: Alert = {
    key,
    rule: 'container_crash_loop',
    kind: 'lifecycle',
    severity: 'critical',
    labels: { host: 'vm', container: key },
    summary: `${key} is crash looping`,
    state: 'firing',
    firedAt: NOW - 5 * MIN,
    value: 3,
    ...over.alert,
  };
  return { key, status: 'firing', muted: null, flapping: false, ...over, alert };
}

const rows: ApiAlert[] = [
  row('web'),
  row('api', { muted: 'silence:3f2a' }),
  row('db', { muted: 'inhibit:host_down:k1' }),
  row('cache', { status: 'resolved', alert: { state: 'resolved', resolvedAt: NOW - 30 * MIN } }),
  row('old', { status: 'resolved', alert: { state: 'resolved', resolvedAt: NOW - 3 * 60 * MIN } }),
  row('disk', { alert: { rule: 'host_disk_full', severity: 'warning', firedAt: NOW - 60 * MIN } }),
  row('hot', {
    status: 'pending',
    alert: {
      rule: 'container_high_cpu',
      severity: '-' as Alert['severity'],
      state: 'pending',
      firedAt: undefined,
      activeAt: NOW - 2 * MIN,
      value: 93.5,
    },
  }),
];

const keys = (sel: Selection) => selectAlerts(rows, sel, NOW).map((r) => r.key);
const none: Selection = { matchers: [], silenced: false, inhibited: false };

test.each([
  ['firing or pending and unmuted, worst first', none, ['web', 'disk', 'hot']],
  ['with --silenced', { ...none, silenced: true }, ['api', 'web', 'disk', 'hot']],
  ['with --inhibited', { ...none, inhibited: true }, ['db', 'web', 'disk', 'hot']],
  ['with --resolved 1h', { ...none, resolvedWithinMs: 60 * MIN }, ['cache', 'web', 'disk', 'hot']],
  ['a label matcher', { ...none, matchers: [parseMatcher('container=~w.*')] }, ['web']],
  [
    'a rule matcher, as routes see it',
    { ...none, matchers: [parseMatcher('alertname=host_disk_full')] },
    ['disk'],
  ],
  [
    'a severity matcher (a pending alert has none yet)',
    { ...none, matchers: [parseMatcher('severity!=critical')] },
    ['disk', 'hot'],
  ],
] as Array<[string, Selection, string[]]>)('%s', (_what, sel, want) => {
  expect(keys(sel)).toEqual(want);
});

test('the table has one line per alert: state, severity, rule, labels, value, since, silenced-by', () => {
  const text = formatAlerts(selectAlerts(rows, { ...none, silenced: true }, NOW), {
    output: 'table',
    now: NOW,
    color: false,
  });
  const lines = text.split('\n');
  expect(lines[0]).toMatch(/^STATE +SEVERITY +RULE +LABELS +VALUE +SINCE +SILENCED-BY$/);
  expect(lines[1]).toMatch(/^silenced +critical +container_crash_loop +host=vm,container=api +3 +5m +3f2a$/);
  expect(lines[3]).toMatch(/^firing +warning +host_disk_full +host=vm,container=disk +3 +1h +-$/);
  expect(lines[4]).toMatch(/^pending +- +container_high_cpu +host=vm,container=hot +93\.50 +2m +-$/);
  expect(text).not.toContain('\x1b[');
});

test('wide adds key and summary; colour only when asked; json is the API rows', () => {
  const shown = selectAlerts(rows, none, NOW);
  expect(formatAlerts(shown, { output: 'wide', now: NOW, color: false })).toContain('web is crash looping');
  expect(formatAlerts(shown, { output: 'table', now: NOW, color: true })).toContain('\x1b[31mfiring');
  expect(JSON.parse(formatAlerts(shown, { output: 'json', now: NOW, color: false }))).toEqual(shown);
  expect(formatAlerts([], { output: 'table', now: NOW, color: false })).toBe('no alerts');
});
