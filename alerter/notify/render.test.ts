import { makeAlert, makeNotification } from '../../test/notify/fixtures';
import { htmlBody } from './email/html';
import { pagerdutyEvent } from './pagerduty';
import { deathText, textBody } from './render';

const crash = {
  ...makeAlert({ kind: 'lifecycle', lastLines: ['fatal: <no db>'] }),
  death: { exitCode: 137, oomKilled: true, deaths: 4, at: 0 },
  links: {},
};

test.each([
  [{ exitCode: 3, deaths: 1, at: 0 }, 'exit 3, 1 death seen'],
  [{ exitCode: 137, oomKilled: true, deaths: 4, at: 0 }, 'exit 137 (OOM-killed), 4 deaths seen'],
  [{ deaths: 0, at: 0 }, 'exit code unknown, 0 deaths seen'],
  [{ exitCode: 1, restartCount: 6, deaths: 2, at: 0 }, 'exit 1, restart count 6, 2 deaths seen'],
])('%j reads "%s"', (death, text) => {
  expect(deathText(death)).toBe(text);
});

test('a crash carries its last lines and its exit into the mail and the PagerDuty event', () => {
  const n = makeNotification({ firing: [crash] });
  expect(textBody(n)).toContain('last death: exit 137 (OOM-killed), 4 deaths seen');
  expect(textBody(n)).toContain('    fatal: <no db>');
  expect(htmlBody(n)).toContain('<pre>fatal: &lt;no db&gt;</pre>');
  const details = pagerdutyEvent(n, 'rk').payload.custom_details as Record<string, unknown>;
  expect(details.last_lines).toEqual(['fatal: <no db>']);
  expect(details.last_death).toEqual(crash.death);
});
