import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Every container a test starts carries this label, so cleanup finds exactly those. */
export const TEST_LABEL = 'lookout.test';
export const TEST_IMAGE = process.env.LOOKOUT_TEST_IMAGE ?? 'local/busybox:full';

export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await exec('docker', args, { maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

/**
 * `docker run -d` with the test label (value: this test run's id) and `--pull never`.
 * `args` go before the image, `cmd` after it. Returns the container id.
 *
 * Without a `--network` in `args` the container gets `--network none`. With `--bridge=none`
 * (how services-up.sh starts dockerd) the engine's "default" network mode gives the same single
 * loopback interface, but dockerd 20.10 never deletes such a container's network sandbox: they pile
 * up in its store and the next dockerd start removes them one by one (~80 ms each; 3 000 left by
 * one session's tests made a later start miss its deadline).
 */
export async function runContainer(opts: {
  args?: string[];
  cmd?: string[];
  name?: string;
  image?: string;
  runId: string;
}): Promise<string> {
  const args = ['run', '-d', '--pull', 'never', '--label', `${TEST_LABEL}=${opts.runId}`];
  if (opts.name) args.push('--name', opts.name);
  const extra = opts.args ?? [];
  if (
    !extra.some(
      (a) => a === '--network' || a === '--net' || a.startsWith('--network=') || a.startsWith('--net='),
    )
  )
    args.push('--network', 'none');
  args.push(...extra, opts.image ?? TEST_IMAGE, ...(opts.cmd ?? []));
  return docker(...args);
}

/** Removes (force) every container labelled with this run id. */
export async function removeTestContainers(runId: string): Promise<void> {
  const ids = (await docker('ps', '-aq', '--filter', `label=${TEST_LABEL}=${runId}`))
    .split('\n')
    .filter(Boolean);
  if (ids.length > 0) await docker('rm', '-f', '-v', ...ids);
}

/** A run id unique to this test file and process, for labels and names. */
export function newRunId(prefix = 't'): string {
  return `${prefix}${process.pid}x${Date.now().toString(36)}`;
}

export async function inspect(id: string): Promise<Record<string, any>> {
  return (JSON.parse(await docker('inspect', id)) as Array<Record<string, any>>)[0]!;
}

/** Polls `fn` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 60_000,
  everyMs = 100,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > end)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? `: ${lastErr instanceof Error ? lastErr.message : JSON.stringify(lastErr)}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
