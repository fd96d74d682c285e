import { docker, removeTestContainers, runContainer } from '../test/support/docker';

/**
 * The demo's workload: a healthy web server, a worker that crash-loops, and a CPU hog that
 * burns a core for a while and then idles (so its alert fires and then resolves).
 */
export interface DemoWorkload {
  runId: string;
  web: string;
  worker: string;
  hog: string;
  webPort: number;
}

export const DEMO_LABEL = 'lookout.demo';

export async function startWorkload(
  runId: string,
  opts: { webPort: number; hogSeconds: number },
): Promise<DemoWorkload> {
  const label = ['--label', `${DEMO_LABEL}=${runId}`];
  const web = await runContainer({
    runId,
    name: `demo-web-${runId}`,
    args: [...label, '--network', 'host', '--label', 'lookout.service=web'],
    cmd: ['httpd', '-f', '-p', `127.0.0.1:${opts.webPort}`, '-h', '/www'],
  });
  // Exits 1 after a second; Docker restarts it (with its own growing delay): a crash loop.
  const worker = await runContainer({
    runId,
    name: `demo-worker-${runId}`,
    args: [...label, '--restart', 'on-failure', '--label', 'lookout.service=worker'],
    cmd: ['sh', '-c', 'echo "worker starting"; sleep 1; echo "ERROR cannot reach queue" >&2; exit 1'],
  });
  const hog = await runContainer({
    runId,
    name: `demo-cpu-hog-${runId}`,
    args: [...label, '--label', 'lookout.service=batch'],
    // Four busy loops with no forks inside them, so the hog stays well above 80% of one core even
    // on a small, busy machine; they are killed after a while and the container idles.
    cmd: [
      'sh',
      '-c',
      `burn() { while :; do :; done; }; p=""; for i in 1 2 3 4; do burn & p="$p $!"; done; sleep ${opts.hogSeconds}; kill $p; echo "batch done"; exec sleep 3600`,
    ],
  });
  return { runId, web, worker, hog, webPort: opts.webPort };
}

export async function stopWorkload(runId: string): Promise<void> {
  await removeTestContainers(runId);
}

export async function containerName(id: string): Promise<string> {
  return (await docker('inspect', '--format', '{{.Name}}', id)).replace(/^\//, '');
}
