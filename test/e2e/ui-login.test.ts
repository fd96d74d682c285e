/**
 * The UI on a listener whose reads need the token (`notify.api.reads: token`), in chromium on
 * the real Docker engine: the page's link leads to the login form, the token typed there becomes
 * a session cookie, and the incident page then shows what a container that exited once printed
 * before it died. A silence is then written from the page on the
 * cookie alone (no token prompt), and a page of another origin cannot write on it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { newRunId, runContainer } from '../support/docker';
import { RIG_DEADLINE, startUiRig, type UiRig } from './support/ui-rig';

const runId = newRunId('uil');
const TOKEN = `ui-login-token-${runId}`;
const exitOnce = `exit-once-${runId}`;
/** container_down waits 30 s after the exit, on a shared 2-core machine. */
const TEST_DEADLINE = 300_000;

let rig: UiRig;

beforeAll(async () => {
  rig = await startUiRig({ runId, token: TOKEN, reads: 'token' });
}, RIG_DEADLINE);
afterAll(() => rig?.close(), RIG_DEADLINE);
afterEach(() => {
  const open = rig?.steps.pending() ?? [];
  if (open.length > 0) process.stderr.write(`[step] the test ended while waiting on: ${open.join('; ')}\n`);
});

const step = <T>(name: string, fn: () => Promise<T>) => rig.steps.step(name, fn);

test(
  'a page link behind the token: login form, then the last lines of a container that exited once',
  async () => {
    // One exit, no restart: the lines come with the die (read from the engine by the collector),
    // whether or not the log stream has brought them yet (collector/sources/lifecycle tests that).
    await step(`start ${exitOnce}`, () =>
      runContainer({
        runId,
        name: exitOnce,
        cmd: [
          'sh',
          '-c',
          'for i in $(seq 1 70); do echo "migration step $i"; done; echo "fatal: schema locked"; exit 1',
        ],
      }),
    );
    const page = await rig.triggerOf('container_down', exitOnce);
    const want = [
      ...Array.from({ length: 49 }, (_, i) => `migration step ${i + 22}`),
      'fatal: schema locked',
    ];
    const details = rig.detailsOf(page.key);
    expect(details.last_lines).toEqual(want);
    expect(details.last_death).toMatchObject({ exitCode: 1, restartCount: 0, deaths: 1 });
    const why = page.links.find((l) => l.text === 'Why this page')!.href;

    const tab = await rig.newTab();
    await step('open the page link without a session', () => tab.goto(why));
    expect(new URL(tab.url()).pathname).toBe('/login');
    // A wrong token: refused, still on the form.
    await tab.locator('input[name=token]').fill('not-the-token');
    await step('submit a wrong token', () => tab.locator('form[action="/login"] button').click());
    await expect(tab.getByTestId('login-problem').innerText()).resolves.toBe('Wrong token.');
    await tab.locator('input[name=token]').fill(TOKEN);
    await step('log in', () =>
      Promise.all([tab.waitForURL(why), tab.locator('form[action="/login"] button').click()]),
    );
    expect(tab.url()).not.toContain(TOKEN);
    const [cookie] = await tab.context().cookies();
    expect(cookie).toMatchObject({
      name: 'lookout_session',
      httpOnly: true,
      sameSite: 'Strict',
      secure: false,
    });
    expect(cookie!.value).not.toContain(TOKEN);
    await expect(tab.getByTestId('lines').innerText()).resolves.toBe(want.join('\n'));
    await expect(tab.getByTestId('death').innerText()).resolves.toBe('exit 1, restart count 0, 1 death seen');

    // A silence from the page, on the cookie alone: no prompt for the token.
    const prompts: string[] = [];
    tab.on('dialog', (d) => {
      prompts.push(d.message());
      void d.dismiss();
    });
    const form = tab.getByTestId('silence-form');
    await form.locator('input[name=comment]').fill('schema migration under way');
    await step('silence from the page', () =>
      Promise.all([tab.waitForEvent('load'), form.locator('button').click()]),
    );
    await expect(tab.getByTestId('silenced').innerText()).resolves.toContain('schema migration under way');
    const silences = (await (await rig.call('/api/v1/silences', {}, true)).json()) as Array<{
      createdBy: string;
    }>;
    expect(silences).toHaveLength(1);
    expect(prompts).toEqual([]);
    await tab.close();
  },
  TEST_DEADLINE,
);

/** A page on another port of this host: the same site for SameSite (ports do not count), another origin. */
async function siblingSite(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>sibling</title><p>another service on this host</p>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(() => r())) };
}

test(
  'a page of another service on the same host cannot write on the session cookie',
  async () => {
    const sibling = await siblingSite();
    const tab = await rig.newTab();
    try {
      await step('log in', async () => {
        await tab.goto(`${rig.base}/login`);
        await tab.locator('input[name=token]').fill(TOKEN);
        await Promise.all([tab.waitForURL(/\/alerts$/), tab.locator('form[action="/login"] button').click()]);
      });
      // SameSite lets the browser send the cookie from there (same site): the Origin check refuses.
      await step('open the sibling page', () => tab.goto(sibling.url));
      const sent = await tab.evaluate(
        `fetch(${JSON.stringify(`${rig.base}/api/v1/silences`)}, { method: 'POST', credentials: 'include',
         mode: 'no-cors', headers: { 'content-type': 'text/plain' },
         body: JSON.stringify({ matchers: ['rule=x'], for: '1h', comment: 'forged' }) })
         .then(() => 'sent', (e) => String(e))`,
      );
      expect(sent).toBe('sent');
      const silences = (await (await rig.call('/api/v1/silences', {}, true)).json()) as Array<{
        comment: string;
      }>;
      expect(silences.map((x) => x.comment)).not.toContain('forged');
    } finally {
      await tab.close();
      await sibling.close();
    }
  },
  TEST_DEADLINE,
);
