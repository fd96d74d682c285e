/**
 * What the browser suites of the UI share: `lookout run` with the default rules, the PagerDuty
 * stand-in, carbon and graphite-web, no Grafana or Kibana (so every link lands on the incident
 * page), chromium driven by playwright-core, and a step log (steps.ts) around every wait.
 * Each API call has its own deadline, so a poll cannot hang on one answer past its waitFor's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { removeTestContainers, waitFor } from '../../support/docker';
import { startLookout, type LookoutProcess } from '../../support/lookout-process';
import { makeLoopbackCert } from '../../support/pagerduty-cert';
import { startPagerDutyStandin, type PagerDutyStandin } from '../../support/pagerduty-standin';
import { fromStandin, type PdEvent } from './pd';
import { freePort, requireServices } from './rig';
import { StepLog } from './steps';

export const GRAPHITE = process.env.GRAPHITE_URL ?? 'http://127.0.0.1:8080';
/** One API answer; the loaded machine is slow, but an answer never takes this long. */
const CALL_DEADLINE = 20_000;
/** The browser's own waits (goto, innerText...), so a stuck one fails naming itself. */
const BROWSER_DEADLINE = 60_000;
/**
 * For the hooks that start and stop the rig: above the sum of their own waits (lookout 90 s,
 * chromium 120 s). Jest's default (120 s, jest.config.js) cut them short before their own
 * deadlines could name what was slow: the likely "stall of 120 s" of issue 15.
 */
export const RIG_DEADLINE = 300_000;

export interface UiRig {
  base: string;
  token: string;
  pd: PagerDutyStandin;
  lookout: LookoutProcess;
  browser: Browser;
  steps: StepLog;
  /** A request to the alerter with its own deadline (and the bearer token when `auth`). */
  call(pathOrUrl: string, init?: RequestInit, auth?: boolean): Promise<Response>;
  triggers(): PdEvent[];
  /** The stand-in's trigger for `rule` on `container`, once it has one. */
  triggerOf(rule: string, container: string): Promise<PdEvent>;
  /** The custom_details the stand-in received with the trigger under `key`. */
  detailsOf(key: string): Record<string, any>;
  newTab(): Promise<Page>;
  close(): Promise<void>;
}

/** `reads: token` makes the listener ask for the token on reads too (issue 17), as beyond loopback. */
export async function startUiRig(opts: { runId: string; token: string; reads?: 'token' }): Promise<UiRig> {
  await requireServices();
  const steps = new StepLog();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-ui-'));
  const cert = makeLoopbackCert(dir);
  const pd = await startPagerDutyStandin(cert);
  const apiPort = await freePort();
  const base = `http://127.0.0.1:${apiPort}`;
  const reads = opts.reads ? `, reads: ${opts.reads}` : '';
  const lookout = startLookout({
    args: ['run'],
    dir,
    env: { UI_PD_KEY: 'ui-routing-key', UI_API_TOKEN: opts.token },
    config: `
collector:
  stats: { interval: 1s }
sinks:
  - { type: graphite, address: '127.0.0.1:${process.env.CARBON_PORT ?? 2003}' }
notify:
  receivers:
    - { name: oncall, type: pagerduty, routing_key: { env: UI_PD_KEY }, events_host: '${pd.server}', ca_file: '${cert.certFile}' }
  api: { listen: '127.0.0.1:${apiPort}', token: { env: UI_API_TOKEN }${reads} }
  links:
    graphite_url: ${GRAPHITE}
    alerter_url: ${base}
`,
  });
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await lookout.stop();
    await removeTestContainers(opts.runId);
    await pd.close();
    fs.writeFileSync(path.join(dir, 'lookout.log'), lookout.logs.map((l) => JSON.stringify(l)).join('\n'));
  };
  try {
    await steps.step('lookout running', () =>
      lookout.waitForLog('docker discovery', (l) => l.msg === 'docker discovery running', 90_000),
    );
    browser = await steps.step('chromium launched', () =>
      chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'], timeout: 120_000 }),
    );
  } catch (err) {
    await close();
    throw err;
  }
  const b = browser;
  const triggers = () =>
    pd.accepted
      .filter((e) => e.path === '/v2/enqueue')
      .map(fromStandin)
      .filter((e) => e.action === 'trigger');
  return {
    base,
    token: opts.token,
    pd,
    lookout,
    browser: b,
    steps,
    call: (p, init = {}, auth = false) =>
      fetch(p.startsWith('http') ? p : `${base}${p}`, {
        ...init,
        headers: {
          ...(init.headers as Record<string, string>),
          ...(auth ? { authorization: `Bearer ${opts.token}` } : {}),
        },
        signal: AbortSignal.timeout(CALL_DEADLINE),
      }),
    triggers,
    triggerOf: (rule, container) =>
      steps.step(`PagerDuty trigger ${rule} for ${container}`, () =>
        waitFor(
          `the PagerDuty trigger ${rule} for ${container}`,
          () => triggers().find((e) => e.rule === rule && e.component === container),
          180_000,
        ),
      ),
    detailsOf: (key) => pd.accepted.find((e) => e.body.dedup_key === key)!.body.payload.custom_details,
    async newTab() {
      const tab = await steps.step('open a browser tab', () => b.newPage());
      tab.setDefaultTimeout(BROWSER_DEADLINE);
      tab.setDefaultNavigationTimeout(BROWSER_DEADLINE);
      return tab;
    },
    close,
  };
}
