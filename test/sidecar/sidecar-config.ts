import fs from 'node:fs';
import path from 'node:path';

/** What the sidecar's config names: this run's host, backends, metric prefix and workload. */
export interface SidecarRun {
  host: string;
  esUrl: string;
  /** carbon's plaintext address, host:port. */
  carbon: string;
  prefix: string;
  runId: string;
}

/**
 * The sidecar test's lookout.yaml and its one rule (a workload of this run exiting non-zero
 * pages the console notifier), written into `dir` for the container to mount.
 */
export function writeSidecarConfig(dir: string, run: SidecarRun): void {
  const { host, esUrl, carbon, prefix, runId } = run;
  fs.mkdirSync(path.join(dir, 'rules'));
  // The sidecar runs as uid 1000: the mounted config and rules must be readable by it.
  fs.chmodSync(dir, 0o755);
  fs.chmodSync(path.join(dir, 'rules'), 0o755);
  fs.writeFileSync(
    path.join(dir, 'lookout.yaml'),
    [
      `host: ${host}`,
      'sinks:',
      `  - type: elasticsearch`,
      `    url: ${esUrl}`,
      `  - type: graphite`,
      `    address: ${carbon}`,
      `    prefix: ${prefix}`,
      'collector:',
      '  stats: {interval: 2s}',
      'alerter:',
      '  rules: [/etc/lookout/rules]',
      'notify:',
      '  receivers: [{name: console, type: console}]',
      '  group: {wait: 1s}',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  fs.writeFileSync(
    path.join(dir, 'rules', 'sidecar.yaml'),
    [
      'rules:',
      `  - name: sidecar_workload_exited`,
      `    kind: lifecycle`,
      `    condition: exited`,
      `    where: {service: crash${runId}}`,
      `    severity: critical`,
      `    summary: "workload crash${runId} exited non-zero"`,
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
}
