import type { ContainerMeta, LifecycleEvent, LogEvent, LookoutEvent } from '../../../core/events';

/**
 * ECS documents for logs and lifecycle events, shared by the Elasticsearch and Logstash sinks.
 * Built as strings, not objects passed to JSON.stringify: the part about the container (host,
 * container.*, service) is the same for every line of a container, so it is serialised once
 * and cached, which is most of what makes 300 000 lines/s possible on one core.
 * https://www.elastic.co/guide/en/ecs/current/ecs-container.html
 */

/** Label keys lose their dots (`com.docker.compose.project` → `com_docker_compose_project`):
 * ES expands dotted names into objects, and `a.b` next to `a.b.c` is a mapping conflict. */
export function dedot(key: string): string {
  return key.replace(/\./g, '_');
}

function contextFragment(host: string, c: ContainerMeta): string {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.labels)) labels[dedot(k)] = v;
  return (
    `"host":{"name":${JSON.stringify(host)}},` +
    `"container":{"id":${JSON.stringify(c.id)},"name":${JSON.stringify(c.name)},"image":{"name":${JSON.stringify(c.image)}},"labels":${JSON.stringify(labels)}},` +
    `"service":{"name":${JSON.stringify(c.service)}}`
  );
}

/**
 * Cached by identity, not by object: events read back from the spool carry a fresh object
 * each. Docker labels and image are fixed at creation; a rename or a new service changes the key.
 */
const byKey = new Map<string, string>();
let last = { host: '', id: '', name: '', service: '', text: '' };

export function context(host: string, c: ContainerMeta): string {
  // Lines come in runs of one container: compare with the last one before hashing a key.
  if (c.id === last.id && c.name === last.name && host === last.host && c.service === last.service)
    return last.text;
  const key = `${host}\0${c.id}\0${c.name}\0${c.service}`;
  let text = byKey.get(key);
  if (text === undefined) {
    text = contextFragment(host, c);
    if (byKey.size > 10_000) byKey.clear();
    byKey.set(key, text);
  }
  last = { host, id: c.id, name: c.name, service: c.service, text };
  return text;
}

let isoSec = NaN;
let isoPrefix = '';
/** ISO 8601 in UTC with milliseconds; the part up to the second is shared by a second's lines. */
export function iso(ts: number): string {
  const sec = Math.floor(ts / 1000);
  if (sec !== isoSec) {
    isoSec = sec;
    isoPrefix = new Date(sec * 1000).toISOString().slice(0, 20);
  }
  const ms = ts - sec * 1000;
  return `${isoPrefix}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${Math.floor(ms)}Z`;
}

/** Docker's own RFC 3339 time (nanoseconds; ES keeps milliseconds of it) when it looks like one. */
export function logTime(e: LogEvent): string {
  const t = e.time;
  return t !== undefined &&
    t.length >= 20 &&
    t.length <= 35 &&
    t.charCodeAt(10) === 84 /* T */ &&
    t.charCodeAt(4) === 45 /* - */ &&
    t.indexOf('"') === -1 &&
    t.indexOf('\\') === -1
    ? t
    : iso(e.ts);
}

export function logDocument(e: LogEvent, fieldsKey: string): string {
  let doc = `{"@timestamp":"${logTime(e)}","message":${JSON.stringify(e.message)},`;
  if (e.level !== undefined) doc += `"log":{"level":${JSON.stringify(e.level)}},`;
  doc += `"stream":"${e.stream}","event":{"id":${JSON.stringify(e.id)},"kind":"event","dataset":"lookout.log"},${context(e.host, e.container)}`;
  if (e.invalidUtf8) doc += `,"tags":["invalid_utf8"]`;
  if (e.fields !== undefined) doc += `,${JSON.stringify(fieldsKey)}:${JSON.stringify(e.fields)}`;
  return `${doc}}`;
}

/** Lifecycle events carry no id of their own: container, action and time make one. */
export function lifecycleId(e: LifecycleEvent): string {
  return `${e.container.id}:${e.action}:${e.ts}`;
}

export function lifecycleDocument(e: LifecycleEvent): string {
  const extra: Record<string, unknown> = {};
  if (e.signal !== undefined) extra.signal = e.signal;
  if (e.health !== undefined) extra.health = e.health;
  if (e.oomKilled !== undefined) extra.oom_killed = e.oomKilled;
  if (e.intent !== undefined) extra.intent = e.intent;
  if (e.restartCount !== undefined) extra.restart_count = e.restartCount;
  let doc =
    `{"@timestamp":"${iso(e.ts)}","message":${JSON.stringify(`container ${e.container.name} ${e.action}`)},` +
    `"event":{"id":${JSON.stringify(lifecycleId(e))},"kind":"event","action":"${e.action}","dataset":"lookout.lifecycle"},${context(e.host, e.container)}`;
  if (e.exitCode !== undefined) doc += `,"process":{"exit_code":${e.exitCode}}`;
  if (Object.keys(extra).length > 0) doc += `,"lookout":${JSON.stringify(extra)}`;
  return `${doc}}`;
}

/** The document id: a replayed line gets the same one, so `create` turns it into a no-op. */
export function documentId(e: LookoutEvent): string | undefined {
  if (e.kind === 'log') return e.id;
  if (e.kind === 'lifecycle') return lifecycleId(e);
  return undefined;
}

export function ecsDocument(e: LookoutEvent, fieldsKey: string): string | undefined {
  if (e.kind === 'log') return logDocument(e, fieldsKey);
  if (e.kind === 'lifecycle') return lifecycleDocument(e);
  return undefined;
}
