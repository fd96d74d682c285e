/**
 * What the PagerDuty stand-in received, as the on-call person experiences it: each Events API v2
 * event reduced to the facts the e2e tests score (who it names, under which key, when), and
 * whether a trigger *notified*: PagerDuty notifies on a trigger whose `dedup_key` has no open
 * alert (never seen, or its last event was a `resolve`); a trigger on an open key is an update.
 * Pure: events in, facts out (score.ts and its unit test build these by hand).
 */

export interface PdLink {
  text: string;
  href: string;
}

/** One alert as a trigger lists it: the lead (the payload itself) or a member of an aggregate. */
export interface PdMember {
  rule: string;
  container?: string;
  labels: Record<string, string>;
  links: Record<string, string>;
}

export interface PdEvent {
  /** Stand-in receive time, ms. */
  at: number;
  action: 'trigger' | 'resolve' | 'acknowledge';
  key: string;
  /** trigger only: `payload.class` (the rule) and `payload.component` (the container). */
  rule?: string;
  component?: string;
  labels?: Record<string, string>;
  /** The alert's firedAt (`custom_details.fired_at`, else `payload.timestamp`), ms. */
  firedAt?: number;
  affected?: number;
  summary?: string;
  links: PdLink[];
  /** `custom_details.alerts`: the members of an aggregate or a group. */
  members: PdMember[];
  /** `custom_details.related`: alerts muted by this one, shown on its page. */
  related: Array<{ rule: string; container?: string; reason?: string }>;
  aggregate?: unknown;
}

/** A trigger with what PagerDuty made of it. */
export interface PdTrigger extends PdEvent {
  action: 'trigger';
  /** True when this trigger opened its key (a notification); false: an update of an open alert. */
  notified: boolean;
}

const ms = (s: unknown): number | undefined => {
  if (typeof s !== 'string') return undefined;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : undefined;
};

/** One stand-in record (`{ body, at }` of `/v2/enqueue`) to a PdEvent. */
export function fromStandin(rec: { body: Record<string, any>; at: number }): PdEvent {
  const b = rec.body;
  const p = (b.payload ?? {}) as Record<string, any>;
  const d = (p.custom_details ?? {}) as Record<string, any>;
  const members = ((d.alerts as any[] | undefined) ?? []).map((a): PdMember => ({
    rule: String(a.rule),
    container: a.labels?.container as string | undefined,
    labels: (a.labels ?? {}) as Record<string, string>,
    links: (a.links ?? {}) as Record<string, string>,
  }));
  const related = ((d.related as any[] | undefined) ?? []).map((r) => ({
    rule: String(r.rule),
    container: r.labels?.container as string | undefined,
    reason: r.muted_because as string | undefined,
  }));
  return {
    at: rec.at,
    action: b.event_action as PdEvent['action'],
    key: String(b.dedup_key),
    rule: p.class as string | undefined,
    component: p.component as string | undefined,
    labels: d.labels as Record<string, string> | undefined,
    firedAt: ms(d.fired_at) ?? ms(p.timestamp),
    affected: typeof d.affected === 'number' ? d.affected : undefined,
    summary: p.summary as string | undefined,
    links: ((b.links as PdLink[] | undefined) ?? []).map((l) => ({ text: l.text, href: l.href })),
    members,
    related,
    aggregate: d.aggregate,
  };
}

/** The triggers, in receive order, each marked as a notification or an update. */
export function triggersOf(events: PdEvent[]): PdTrigger[] {
  const open = new Set<string>();
  const out: PdTrigger[] = [];
  for (const e of [...events].sort((a, b) => a.at - b.at)) {
    if (e.action === 'resolve') open.delete(e.key);
    if (e.action !== 'trigger') continue;
    out.push({ ...e, action: 'trigger', notified: !open.has(e.key) });
    open.add(e.key);
  }
  return out;
}

/** Every container a trigger names: its component, its labels, its members, its related alerts. */
export function containersNamed(e: PdEvent): Set<string> {
  const out = new Set<string>();
  for (const c of [
    e.component,
    e.labels?.container,
    ...e.members.map((m) => m.container),
    ...e.related.map((r) => r.container),
  ])
    if (c) out.add(c);
  return out;
}

/** The (rule, container) pairs a trigger tells as firing: its lead and its members (not related). */
export function alertsTold(e: PdEvent): Array<{ rule: string; container: string }> {
  const out: Array<{ rule: string; container: string }> = [];
  const lead = e.component ?? e.labels?.container;
  if (e.rule && lead) out.push({ rule: e.rule, container: lead });
  for (const m of e.members)
    if (m.container && !out.some((o) => o.rule === m.rule && o.container === m.container))
      out.push({ rule: m.rule, container: m.container });
  return out;
}
