import type { LookoutEvent } from '../../../core/events';
import { lifecycleDocument, lifecycleId } from '../ecs/documents';
import { BodyBuffer, type BodyPool } from './body-buffer';
import { writeLogLine } from './log-splice';

/** Where an event goes: a data stream name, or a daily index `<prefix>-YYYY.MM.DD` (UTC). */
export interface IndexNames {
  mode: 'data_stream' | 'daily';
  logs: string;
  lifecycle: string;
}

export function defaultIndexNames(mode: IndexNames['mode'], logs?: string, lifecycle?: string): IndexNames {
  if (mode === 'data_stream')
    return {
      mode,
      logs: logs ?? 'logs-lookout-default',
      lifecycle: lifecycle ?? 'logs-lookout.lifecycle-default',
    };
  return { mode, logs: logs ?? 'lookout-logs', lifecycle: lifecycle ?? 'lookout-lifecycle' };
}

const dayCache = new Map<number, string>();
function day(ts: number): string {
  const d = Math.floor(ts / 86_400_000);
  let s = dayCache.get(d);
  if (s === undefined) {
    s = new Date(d * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '.');
    if (dayCache.size > 64) dayCache.clear();
    dayCache.set(d, s);
  }
  return s;
}

export function indexFor(e: LookoutEvent, names: IndexNames): string {
  const base = e.kind === 'lifecycle' ? names.lifecycle : names.logs;
  return names.mode === 'daily' ? `${base}-${day(e.ts)}` : base;
}

/**
 * The `_bulk` body as one NDJSON buffer, with `create` actions: with a deterministic `_id`,
 * a replayed line answers 409 instead of being indexed twice (and data streams take `create`
 * only). `sent` lists the events in body order, to match the per-item answers against;
 * `backing` is the buffer `body` is a view of, for the pool once the request is over.
 * `index` is the first document's index, for the request path (`POST /<index>/_bulk`): the
 * actions of its documents name no `_index` (a third of an action line, on every line: issue 16),
 * those of any other index do, and Elasticsearch takes an action's own `_index` over the path's.
 */
/** The action of a document of the request path's index. */
const PATH_INDEX_ACTION = '{"create":{"_id":';

/** The request path for a body of bulkBody. */
export function bulkPath(index: string | undefined): string {
  return index === undefined ? '/_bulk' : `/${encodeURIComponent(index)}/_bulk`;
}

export function bulkBody(
  events: LookoutEvent[],
  names: IndexNames,
  fieldsKey: string,
  pool?: BodyPool,
): { body: Buffer; sent: LookoutEvent[]; backing: Buffer; index: string | undefined } {
  const size = events.length * 640 + 4096;
  const out = new BodyBuffer(pool ? pool.take(size) : size);
  // Nearly always every event goes in: `sent` is then the batch's own array (read only, as the
  // delivery runner hands it), and a copy is made only from the first event left out.
  let sent: LookoutEvent[] | undefined;
  let pathIndex: string | undefined;
  let lastIndex = '';
  let action = '';
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.kind !== 'log' && e.kind !== 'lifecycle') {
      sent ??= events.slice(0, i);
      continue;
    }
    const index = indexFor(e, names);
    if (index !== lastIndex) {
      lastIndex = index;
      pathIndex ??= index;
      action =
        index === pathIndex ? PATH_INDEX_ACTION : `{"create":{"_index":${JSON.stringify(index)},"_id":`;
    }
    sent?.push(e);
    if (e.kind === 'log') {
      writeLogLine(out, action, e, fieldsKey);
      continue;
    }
    out.write(`${action}${JSON.stringify(lifecycleId(e))}}}\n${lifecycleDocument(e)}\n`);
  }
  return { body: out.done(), sent: sent ?? events, backing: out.backing, index: pathIndex };
}

export interface BulkItemResult {
  status: number;
  error?: { type?: string; reason?: string };
}

export interface BulkResponse {
  errors?: boolean;
  items?: Array<Record<string, BulkItemResult>>;
}

export interface BulkOutcome {
  /** Items to send again (429, 5xx), in order. */
  retry: LookoutEvent[];
  /** Items refused for good (mapping or parse errors), with the reason. */
  dead: Array<{ event: LookoutEvent; reason: string }>;
  /** Created, or already there (409 on a replay). */
  ok: number;
}

/**
 * Per-item results: 2xx and 409 (the document exists: a replay) are delivered; 429 and 5xx
 * are worth another try; anything else (400 mapper_parsing_exception, document_parsing_exception)
 * will never succeed and goes to the dead-letter file.
 * https://www.elastic.co/guide/en/elasticsearch/reference/8.19/docs-bulk.html#bulk-api-response-body
 */
export function bulkOutcome(sent: LookoutEvent[], res: BulkResponse): BulkOutcome {
  if (res.errors === false) return { retry: [], dead: [], ok: sent.length };
  const items = res.items ?? [];
  const out: BulkOutcome = { retry: [], dead: [], ok: 0 };
  for (let i = 0; i < sent.length; i++) {
    const item = items[i];
    const r = item ? Object.values(item)[0] : undefined;
    const e = sent[i]!;
    // A missing item is a malformed answer: send it again rather than lose it.
    if (!r) out.retry.push(e);
    else if ((r.status >= 200 && r.status < 300) || r.status === 409) out.ok++;
    else if (r.status === 429 || r.status >= 500) out.retry.push(e);
    else
      out.dead.push({
        event: e,
        reason: `${r.status} ${r.error?.type ?? 'error'}: ${r.error?.reason ?? 'no reason given'}`,
      });
  }
  return out;
}
