/**
 * What the engine hands to notify: alert instances and their state changes. The engine is
 * pure (events and a clock in, transitions out); notify does all the I/O.
 */
export type AlertState = 'inactive' | 'pending' | 'firing' | 'resolved';
export type Severity = 'critical' | 'error' | 'warning' | 'info';

export interface Alert {
  /** Stable across restarts and alerters: hash of rule name and group labels. PagerDuty's dedup_key. */
  key: string;
  rule: string;
  /** The rule kind (threshold, absence, log_match, ratio, lifecycle, spike). */
  kind: string;
  severity: Severity;
  /** Group labels plus the rule's extra labels: host, container, service, target... */
  labels: Record<string, string>;
  summary: string;
  description?: string;
  runbook?: string;
  /** Dashboard uid (from dashboards/catalog) the page should link to. */
  dashboard?: string;
  /** The metric the rule reads, for links and the Graphite PNG. */
  metric?: string;
  value?: number;
  threshold?: number;
  state: AlertState;
  /** When the condition first held (pending since), ms epoch, event time. */
  activeAt?: number;
  firedAt?: number;
  resolvedAt?: number;
  /** A few log lines that matched, for the page's details. */
  lastLines?: string[];
  /** Lifecycle alerts: the container's last death as the alerter saw it (alerter/runner/last-lines.ts). */
  death?: AlertDeath;
  /** How the value was computed (reducer, window, samples, threshold), for the page and `lookout explain`. */
  detail?: string;
}

export interface AlertDeath {
  exitCode?: number;
  oomKilled?: boolean;
  /** Deaths this alerter has seen of the container since it started (it may have started after some). */
  deaths: number;
  /** Docker's RestartCount at the last death, when the collector could inspect the container. */
  restartCount?: number;
  /** Event time of the last death. */
  at: number;
}

export interface AlertTransition {
  alert: Alert;
  from: AlertState;
  to: AlertState;
  /** Event time of the change. */
  at: number;
}
