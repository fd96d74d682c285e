import { makeAlert, makeNotification } from '../../test/notify/fixtures';
import { htmlBody } from './email/html';
import { textBody, title } from './render';
import type { Notification } from './types';

const alert = (rule: string, labels: Record<string, string>) => ({
  ...makeAlert({ rule, labels, summary: `${rule} on ${labels.service ?? labels.host ?? '?'}` }),
  links: {},
});

/** A digest group (grouped by host) holding these alerts, all firing. */
const digest = (groupLabels: Record<string, string>, firing: Notification['firing']) =>
  makeNotification({ groupLabels, firing });

test.each([
  [
    'a host group names its host',
    digest({ host: 'h1' }, [alert('cpu', { host: 'h1', service: 'web' })]),
    '[FIRING:1] cpu on host=h1: cpu on web',
  ],
  [
    'service alerts in the empty host group name their service',
    digest({ host: '' }, [alert('absent', { service: 'web' }), alert('absent', { service: 'web' })]),
    '[FIRING:2] absent on service=web: absent on web (+1 more)',
  ],
  [
    'two rules on one service name both rules and the service',
    digest({ host: '' }, [alert('absent', { service: 'web' }), alert('errors', { service: 'web' })]),
    '[FIRING:2] absent, errors on service=web: absent on web (+1 more)',
  ],
  [
    'one rule over several services names the rule alone',
    digest({ host: '' }, [alert('absent', { service: 'web' }), alert('absent', { service: 'db' })]),
    '[FIRING:2] absent: absent on web (+1 more)',
  ],
  [
    'nothing shared says how many alerts',
    digest({ host: '' }, [
      alert('absent', { service: 'web' }),
      alert('errors', { service: 'db' }),
      alert('graphite_lag', {}),
    ]),
    '[FIRING:3] 3 alerts: absent on web (+2 more)',
  ],
  [
    'an empty label beside a filled one is dropped',
    digest({ host: '', service: 'web' }, [alert('absent', { service: 'web' })]),
    '[FIRING:1] absent on service=web: absent on web',
  ],
  [
    'a per-alert group does not repeat its rule',
    digest({ rule: 'cpu', host: 'h1' }, [alert('cpu', { host: 'h1' })]),
    '[FIRING:1] cpu on host=h1: cpu on h1',
  ],
])('%s', (_name, n, expected) => {
  expect(title(n)).toBe(expected);
  // The body's heading is the same line, in both parts.
  expect(textBody(n).split('\n')[0]).toBe(expected);
  expect(htmlBody(n)).toContain(`<h2>${expected}</h2>`);
  expect(title(n)).not.toMatch(/=[:,]|=$/);
});

test('a resolve counts and names the resolved alerts', () => {
  const gone = [alert('absent', { service: 'web' }), alert('errors', { service: 'db' })];
  const n = makeNotification({ groupLabels: { host: '' }, status: 'resolved', firing: [], resolved: gone });
  expect(title(n)).toBe('[RESOLVED:2] 2 alerts: absent on web (+1 more)');
});
