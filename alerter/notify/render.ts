/**
 * The facts of a notification as plain text, shared by the e-mail, console and PagerDuty
 * notifiers so every channel says the same thing.
 */
import type { AlertDeath } from '../types';
import { labelText, subject } from './subject';
import type { Notification, NotifiedAlert } from './types';

/**
 * One line: `[FIRING:3] rule on host=h: first summary (+2 more)` (what follows the status is
 * subject.ts's). An aggregate counts every firing alert of its rule on its service, including
 * one that paged alone before the storm.
 */
export function title(n: Notification): string {
  const list = n.status === 'resolved' ? n.resolved : n.firing;
  const first = list[0];
  const count = n.aggregate ? (n.affected ?? n.firing.length) : n.firing.length;
  const head =
    n.status === 'resolved' ? `[RESOLVED${list.length > 1 ? `:${list.length}` : ''}]` : `[FIRING:${count}]`;
  const { what, where } = subject(n);
  const more = list.length > 1 ? ` (+${list.length - 1} more)` : '';
  const flapping = first?.flapping ? ' [flapping]' : '';
  return `${head} ${what}${where ? ` on ${where}` : ''}: ${first?.summary ?? ''}${more}${flapping}`;
}

/**
 * `exit 1 (OOM-killed), restart count 6, 4 deaths seen`: a lifecycle alert's last death, for mail
 * and the incident page. Docker's restart count first: the alerter may have started mid-loop.
 */
export function deathText(d: AlertDeath): string {
  const code = d.exitCode === undefined ? 'exit code unknown' : `exit ${d.exitCode}`;
  const restarts = d.restartCount === undefined ? '' : `, restart count ${d.restartCount}`;
  return `${code}${d.oomKilled ? ' (OOM-killed)' : ''}${restarts}, ${d.deaths} death${d.deaths === 1 ? '' : 's'} seen`;
}

export function alertFacts(a: NotifiedAlert): Array<[string, string]> {
  const facts: Array<[string, string]> = [
    ['rule', a.rule],
    ['severity', a.severity],
    ['state', a.state],
    ['labels', labelText(a.labels)],
  ];
  if (a.value !== undefined) facts.push(['value', String(a.value)]);
  if (a.death) facts.push(['last death', deathText(a.death)]);
  if (a.threshold !== undefined) facts.push(['threshold', String(a.threshold)]);
  if (a.firedAt !== undefined) facts.push(['since', new Date(a.firedAt).toISOString()]);
  if (a.resolvedAt !== undefined) facts.push(['resolved', new Date(a.resolvedAt).toISOString()]);
  if (a.flapping) facts.push(['flapping', 'yes: held firing until it settles']);
  return facts;
}

export function linkList(a: NotifiedAlert): Array<[string, string]> {
  const names: Record<string, string> = {
    dashboard: 'Dashboard',
    logs: 'Logs',
    runbook: 'Runbook',
    graph: 'Graph',
    explain: 'Decision log',
  };
  return Object.entries(a.links).map(([k, href]) => [names[k] ?? k, href as string]);
}

export function textBody(n: Notification): string {
  const out = [title(n), ''];
  const section = (name: string, alerts: NotifiedAlert[]) => {
    if (alerts.length === 0) return;
    out.push(`${name}:`);
    for (const a of alerts) {
      out.push(`- ${a.summary}`);
      if (a.description) out.push(`  ${a.description}`);
      for (const [k, v] of alertFacts(a)) out.push(`  ${k}: ${v}`);
      for (const [k, v] of linkList(a)) out.push(`  ${k}: ${v}`);
      if (a.lastLines?.length) out.push('  last lines:', ...a.lastLines.map((l) => `    ${l}`));
    }
    out.push('');
  };
  section('Firing', n.firing);
  section('Resolved', n.resolved);
  if (n.related?.length) {
    out.push('Also firing, muted by the alerts above (not notified on their own):');
    for (const r of n.related) out.push(`- ${r.summary} (${r.reason})`);
    out.push('');
  }
  if (n.explainUrl) out.push(`Why this was sent: ${n.explainUrl}`);
  return out.join('\n');
}
