import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../core/logger';
import type { Alert, AlertTransition } from '../../alerter/types';
import type { Notification } from '../../alerter/notify/types';

export const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

export function makeAlert(over: Partial<Alert> & { labels?: Record<string, string> } = {}): Alert {
  const labels = over.labels ?? { host: 'h1', container: 'web-1', service: 'web' };
  const rule = over.rule ?? 'container_cpu_high';
  return {
    key: over.key ?? `${rule}:${Object.values(labels).join(':')}`,
    rule,
    kind: 'threshold',
    severity: 'critical',
    summary: `CPU above 90% on ${labels.container ?? labels.host}`,
    metric: 'cpu.percent',
    value: 97.5,
    threshold: 90,
    state: 'firing',
    activeAt: T0 - 60_000,
    firedAt: T0,
    runbook: 'https://runbooks.example/cpu',
    lastLines: ['worker 3 busy', 'queue depth 812'],
    ...over,
    labels,
  };
}

export function firing(a: Alert, at = a.firedAt ?? T0): AlertTransition {
  return { alert: { ...a, state: 'firing', firedAt: at }, from: 'pending', to: 'firing', at };
}

export function resolved(a: Alert, at: number): AlertTransition {
  return { alert: { ...a, state: 'resolved', resolvedAt: at }, from: 'firing', to: 'resolved', at };
}

export function makeNotification(over: Partial<Notification> = {}): Notification {
  const a = makeAlert();
  return {
    id: 1,
    receiver: 'r',
    groupKey: 'g1',
    groupLabels: { host: 'h1' },
    incidentKey: a.key,
    status: 'firing',
    firing: [
      {
        ...a,
        links: { dashboard: 'https://grafana.example/d/lookout-container?var-host=h1', runbook: a.runbook! },
      },
    ],
    resolved: [],
    at: T0,
    ...over,
  };
}

/** A JSON logger at trace level whose every line is kept, to grep for secrets. */
export function captureLogger(): { logger: Logger; text(): string } {
  const lines: string[] = [];
  const dest = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return {
    logger: createLogger({ level: 'trace', format: 'json', destination: dest }),
    text: () => lines.join(''),
  };
}

/**
 * An email receiver's connection settings for a private SMTP server on loopback
 * (test/support/smtp-private.ts): STARTTLS required, the loopback certificate as CA, login as
 * `lookout` with the password in the environment variable `passwordEnv`.
 */
export function loopbackEmail(port: number, caFile: string, passwordEnv: string) {
  return {
    name: 'mail',
    type: 'email' as const,
    host: '127.0.0.1',
    port,
    starttls: 'require' as const,
    user: 'lookout',
    password: { env: passwordEnv },
    ca_file: caFile,
  };
}
