/**
 * The incident page and the alert UI in a real browser (Debian's chromium, driven by
 * playwright-core) on the real Docker engine: `lookout run` with the default rules, the
 * PagerDuty stand-in, carbon and graphite-web, and no Grafana or Kibana configured (so the
 * page's links all land on the incident page). What is asserted is what the browser shows.
 *
 * Every wait is a named step (support/steps.ts): this file once stalled 120 s under load with
 * nothing saying where, so each step logs its start and end, nags while it waits, and a test
 * that ends with a step still open names it. Each API call has its own deadline, so a poll
 * cannot hang on one answer past its waitFor's deadline.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { newRunId, runContainer, waitFor } from '../support/docker';
import { GRAPHITE, RIG_DEADLINE, startUiRig, type UiRig } from './support/ui-rig';

const runId = newRunId('ui');
const TOKEN = `ui-token-${runId}`;
/** The service label and a log line of the second crasher: text an attacker controls. */
const XSS_LABEL = `<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>${runId}`;
const XSS_LINE = '<script>window.pwned=3</script> request from evil';
const crashA = `crash-a-${runId}`;
const crashB = `crash-b-${runId}`;
/** Each test waits on crash loops (three deaths, then a page) on a shared 2-core machine. */
const TEST_DEADLINE = 300_000;

let rig: UiRig;
let base: string;

beforeAll(async () => {
  rig = await startUiRig({ runId, token: TOKEN });
  base = rig.base;
}, RIG_DEADLINE);
afterAll(() => rig?.close(), RIG_DEADLINE);
afterEach(() => {
  const open = rig?.steps.pending() ?? [];
  if (open.length > 0) process.stderr.write(`[step] the test ended while waiting on: ${open.join('; ')}\n`);
});

const step = <T>(name: string, fn: () => Promise<T>) => rig.steps.step(name, fn);

/** A container that prints a few lines and dies with exit 3; Docker restarts it: a crash loop. */
async function crashLoop(name: string, lines: string[], service?: string): Promise<void> {
  await step(`start ${name}`, () =>
    runContainer({
      runId,
      name,
      args: ['--restart', 'on-failure', ...(service ? ['--label', `lookout.service=${service}`] : [])],
      cmd: ['sh', '-c', `${lines.map((l) => `echo '${l}'`).join('; ')}; sleep 1; exit 3`],
    }),
  );
}

async function alertOf(container: string, rule = 'container_crash_loop'): Promise<Record<string, any>> {
  return step(`${rule} of ${container} in the API`, () =>
    waitFor(
      `${rule} of ${container} in the API`,
      async () => {
        const all = (await (await rig.call('/api/v1/alerts')).json()) as Array<Record<string, any>>;
        return all.find((a) => a.alert.rule === rule && a.alert.labels.container === container);
      },
      120_000,
      250,
    ),
  );
}

function writeScreenshot(page: Page, name: string): Promise<Buffer> | undefined {
  if (process.env.LOOKOUT_WRITE_SCREENSHOTS !== '1') return undefined;
  return step(`screenshot ${name}`, () =>
    page.screenshot({
      path: path.join(__dirname, '../../docs/screenshots', name),
      fullPage: true,
      timeout: 60_000,
    }),
  );
}

test(
  'a crash loop page opens on the incident page: last lines, exit, graph, timeline',
  async () => {
    await crashLoop(crashA, [
      'starting worker 7',
      'loading /data/orders.db',
      'fatal: cannot open /data/orders.db: no such file',
    ]);
    const page = await rig.triggerOf('container_crash_loop', crashA);
    // No Grafana, no Kibana: every link lands on the incident page rather than nowhere.
    const links = Object.fromEntries(page.links.map((l) => [l.text, l.href]));
    expect(links['Why this page']).toMatch(new RegExp(`^${base}/alerts/[^#]+$`));
    expect(links.Dashboard).toBe(`${links['Why this page']}#graph`);
    expect(links.Logs).toBe(`${links['Why this page']}#lines`);
    // The same last lines, bounded, ride in the page's custom details.
    const details = rig.detailsOf(page.key);
    expect(details.last_lines).toContain('fatal: cannot open /data/orders.db: no such file');
    // Docker's own restart count (inspect after the third die), not only the deaths the alerter saw.
    expect(details.last_death).toMatchObject({ exitCode: 3, restartCount: expect.any(Number) });
    expect(details.last_death.restartCount).toBeGreaterThanOrEqual(3);

    const tab = await rig.newTab();
    const res = await step('open the Logs link', () => tab.goto(links.Logs!));
    expect(res?.status()).toBe(200);
    await expect(tab.locator('h1').innerText()).resolves.toMatch(new RegExp(`${crashA}.*crash looping`));
    await expect(tab.getByTestId('lines').innerText()).resolves.toContain(
      'loading /data/orders.db\nfatal: cannot open /data/orders.db: no such file',
    );
    await expect(tab.getByTestId('death').innerText()).resolves.toBe(
      `exit 3, restart count ${details.last_death.restartCount}, ${details.last_death.deaths} deaths seen`,
    );
    await expect(tab.getByTestId('timeline').innerText()).resolves.toMatch(
      /firing[\s\S]*queued[\s\S]*delivered/,
    );
    const graph = tab.getByTestId('graph');
    expect(await graph.getAttribute('src')).toMatch(new RegExp(`^${GRAPHITE}/render\\?`));
    // A string: the test compiles without the DOM types, the browser runs it.
    await step('graph image loaded from graphite-web', () =>
      tab.waitForFunction(
        "(() => { const img = document.querySelector('img.graph'); return !!img && img.complete && img.naturalWidth > 0; })()",
        undefined,
        { timeout: 60_000 },
      ),
    );
    await expect(tab.getByTestId('runbook').innerText()).resolves.toContain('First five minutes');
    await writeScreenshot(tab, 'incident-page.png');
    await tab.close();
  },
  TEST_DEADLINE,
);

test(
  'writes without the token are refused; a silence made in the UI mutes the next page and shows on it',
  async () => {
    const a = await alertOf(crashA);
    const tab = await rig.newTab();
    await step('open the incident page', () =>
      tab.goto(`${base}/alerts/${encodeURIComponent(a.key as string)}`),
    );
    // Widen the one-click silence from this alert's labels to every crash loop on the host.
    const form = tab.getByTestId('silence-form');
    const prefilled = await form.locator('textarea').inputValue();
    expect(prefilled.split('\n')).toEqual(
      expect.arrayContaining([
        `container=${crashA}`,
        'rule=container_crash_loop',
        `host=${a.alert.labels.host}`,
      ]),
    );
    const widened = prefilled
      .split('\n')
      .filter((l) => l.startsWith('host=') || l.startsWith('rule='))
      .join('\n');
    await form.locator('textarea').fill(widened);
    await form.locator('input[name=comment]').fill('investigating the crash loops');

    // Without a token (the prompt dismissed) the write is refused and nothing is stored.
    tab.on('dialog', (d) => void d.dismiss());
    await form.locator('button').click();
    // The answer is written once the call returns: wait for it, as a person would.
    await step('the refusal shown', () =>
      tab
        .getByTestId('silence-result')
        .filter({ hasText: /^Refused \(401\)/ })
        .waitFor(),
    );
    expect(await (await rig.call(`${base}/api/v1/silences`)).json()).toEqual([]);
    expect((await rig.call(`${base}/api/v1/silences`, { method: 'POST', body: '{}' })).status).toBe(401);

    tab.removeAllListeners('dialog');
    tab.on('dialog', (d) => void d.accept(TOKEN));
    await form.locator('button').click();
    await step('the silence shown on the page', () =>
      expect(tab.getByTestId('silenced').innerText()).resolves.toContain('investigating the crash loops'),
    );

    // The next crash loop on the host is muted: recorded, shown, never sent.
    await crashLoop(crashB, ['starting', XSS_LINE, 'fatal: boom'], XSS_LABEL);
    const b = await step('the second crash loop muted', () =>
      waitFor(
        'the second crash loop muted',
        async () => {
          const x = await alertOf(crashB);
          return typeof x.muted === 'string' && x.muted.startsWith('silence:') && x;
        },
        180_000,
      ),
    );
    const decisions = (await (
      await rig.call(`${base}/api/v1/alerts/${encodeURIComponent(b.key as string)}/decisions`)
    ).json()) as Array<{ step: string }>;
    expect(decisions.map((d) => d.step)).toContain('muted');
    expect(decisions.map((d) => d.step)).not.toContain('queued');
    expect(rig.triggers().filter((e) => e.component === crashB)).toEqual([]);
    await tab.goto(`${base}/alerts/${encodeURIComponent(b.key as string)}`);
    await expect(tab.getByTestId('silenced').innerText()).resolves.toContain('investigating the crash loops');
    await tab.close();
  },
  TEST_DEADLINE,
);

test(
  'attacker-controlled text in a label and a log line is shown, never run',
  async () => {
    const b = await alertOf(crashB);
    const tab = await rig.newTab();
    for (const url of [
      `${base}/alerts/${encodeURIComponent(b.key as string)}`,
      `${base}/alerts?group=service`,
      `${base}/silences`,
    ]) {
      await tab.goto(url);
      expect(await tab.evaluate('window.pwned')).toBeUndefined();
    }
    await tab.goto(`${base}/alerts/${encodeURIComponent(b.key as string)}`);
    await expect(tab.getByTestId('labels').innerText()).resolves.toContain(`service=${XSS_LABEL}`);
    await expect(tab.getByTestId('lines').innerText()).resolves.toContain(XSS_LINE);
    await tab.close();
  },
  TEST_DEADLINE,
);

test(
  'the alerts list shows both crash loops, grouped by service, and filters by matchers',
  async () => {
    const tab = await rig.newTab();
    await tab.goto(`${base}/alerts?group=service`);
    const rows = tab.getByTestId('alert-row');
    const text = (await rows.allInnerTexts()).join('\n');
    expect(text).toContain(crashA);
    expect(text).toContain(crashB);
    await expect(tab.locator('h2', { hasText: `service: ${crashA}` }).count()).resolves.toBe(1);
    await tab.locator('input[name=match]').fill(`container=${crashA}`);
    await tab.locator('form[action="/alerts"] button').click();
    await tab.waitForURL(/match=/);
    const filtered = (await tab.getByTestId('alert-row').allInnerTexts()).join('\n');
    expect(filtered).toContain(crashA);
    expect(filtered).not.toContain(crashB);
    await tab.goto(
      `${base}/alerts?match=${encodeURIComponent(`rule=container_crash_loop,service=${crashA}`)}`,
    );
    await writeScreenshot(tab, 'alerts-list.png');
    await tab.close();
  },
  TEST_DEADLINE,
);
