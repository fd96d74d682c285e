/**
 * The README's main command, run as a newcomer would, with a time bound: the crash loop and
 * the CPU hog are paged, the hog's alert resolves, the hot pool is scaled out by the example
 * coordinator, resolves and is scaled in again, and nothing the demo started is left behind.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { docker } from '../support/docker';

const ROOT = path.resolve(__dirname, '..', '..');

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const gitStatus = () => execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' });

test('npm run demo pages the crash loop and the CPU hog, resolves the hog, scales the hot pool out and in, and cleans up', async () => {
  const checkoutBefore = gitStatus();
  const out: string[] = [];
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'demo/run.ts', '--exit-when-done', '--timeout', '540'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout.on('data', (c: Buffer) => out.push(c.toString()));
  child.stderr.on('data', (c: Buffer) => out.push(c.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  const text = out.join('');
  if (code !== 0) console.log(text);
  expect(code).toBe(0);
  expect(text).toContain('DEMO-OK');
  expect(text).toMatch(/PAGE \(trigger, critical\): .*container_crash_loop.*demo-worker-/);
  expect(text).toMatch(/PAGE \(trigger, warning\): .*container_high_cpu.*demo-cpu-hog-/);
  expect(text).toMatch(/RESOLVED: .*demo-cpu-hog-/);
  expect(text).toMatch(/MAIL to oncall@demo\.invalid: /);
  // The scaling chapter: hot (paged, scaled out) before it resolves, then evening, then scaled in.
  const at = (re: RegExp) => {
    const i = text.search(re);
    expect([re, i >= 0]).toEqual([re, true]);
    return i;
  };
  const hot = [
    at(/PAGE \(trigger, warning\): .*demo_pool_hot/),
    at(/COORDINATOR: shop out 1->2 \(demo_pool_hot/),
    at(/POOL shop: 1 → 2 replicas/),
  ];
  const resolvedAt = at(/RESOLVED: .*demo_pool_hot/);
  const eveningAt = at(/== scaling: evening/);
  const scaledIn = [at(/COORDINATOR: shop in 2->1 \(demo_pool_cold/), at(/POOL shop: 2 → 1 replicas/)];
  expect(Math.max(...hot)).toBeLessThan(resolvedAt);
  expect(resolvedAt).toBeLessThan(eveningAt);
  expect(eveningAt).toBeLessThan(Math.min(...scaledIn));

  // The artefacts went to the folder it printed, and the checkout is as it was.
  const artefacts = /== artefacts \(pages, mail, graph\) go to (\S+)/.exec(text)?.[1];
  expect(artefacts).toBeDefined();
  expect(fs.readdirSync(artefacts!)).toEqual(
    expect.arrayContaining([
      'cpu-hog.png',
      'mail.eml',
      'page-container_crash_loop.json',
      'page-container_high_cpu.json',
      'scaling.txt',
    ]),
  );
  fs.rmSync(artefacts!, { recursive: true, force: true });
  expect(gitStatus()).toBe(checkoutBefore);

  // Nothing it started is left: containers, the lookout process, the stand-in's port.
  const runId = /label lookout\.demo=(\S+)\)/.exec(text)?.[1];
  expect(runId).toBeDefined();
  expect(await docker('ps', '-aq', '--filter', `label=lookout.demo=${runId}`)).toBe('');
  const pid = Number(/lookout run pid (\d+)/.exec(text)?.[1]);
  expect(pid).toBeGreaterThan(0);
  expect(alive(pid)).toBe(false);
  const pdPort = Number(/on https:\/\/127\.0\.0\.1:(\d+)/.exec(text)?.[1]);
  expect(await portOpen(pdPort)).toBe(false);
  const coordinatorPort = Number(/example coordinator .* on http:\/\/127\.0\.0\.1:(\d+)/.exec(text)?.[1]);
  expect(coordinatorPort).toBeGreaterThan(0);
  expect(await portOpen(coordinatorPort)).toBe(false);
}, 720_000);
