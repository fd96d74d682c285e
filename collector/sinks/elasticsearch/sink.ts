import fs from 'node:fs';
import { Client, errors as esErrors } from '@elastic/elasticsearch';
import { type LookoutError, PermanentDeliveryError, TransientDeliveryError } from '../../../core/errors';
import type { SinkConfigOf } from '../config';
import { sinkName } from '../config';
import { PartialWriteError, type Sink, type SinkFactory } from '../sink';
import { bulkBody, bulkOutcome, defaultIndexNames, type BulkResponse } from './bulk';
import { indexTemplates } from './template';

/** Only what the outcome needs comes back: a 5 000-item answer shrinks to a few bytes a line. */
const FILTER_PATH = 'errors,items.*.status,items.*.error.type,items.*.error.reason';

/** What a whole-request failure means for a retry. */
export function classify(err: unknown): LookoutError {
  if (err instanceof esErrors.ResponseError) {
    const status = err.statusCode ?? 0;
    const what = `elasticsearch answered ${status}: ${String(err.message).slice(0, 300)}`;
    // 401/403 are retried too: fixing credentials or privileges must not have cost the logs.
    if (status === 429 || status >= 500 || status === 401 || status === 403 || status === 0)
      return new TransientDeliveryError(what, err);
    return new PermanentDeliveryError(what, err);
  }
  if (err instanceof esErrors.ElasticsearchClientError) {
    if (err instanceof esErrors.ProductNotSupportedError || err instanceof esErrors.ConfigurationError)
      return new PermanentDeliveryError(err.message, err);
    return new TransientDeliveryError(`elasticsearch unreachable: ${err.message}`, err);
  }
  return new TransientDeliveryError(`elasticsearch: ${(err as Error).message}`, err);
}

export const createElasticsearchSink: SinkFactory<SinkConfigOf<'elasticsearch'>> = (config, deps) => {
  const name = sinkName(config);
  const log = deps.logger.child({ sink: name });
  const names = defaultIndexNames(config.index_mode, config.logs_index, config.lifecycle_index);
  const client = new Client({
    nodes: Array.isArray(config.url) ? config.url : [config.url],
    auth: config.api_key
      ? { apiKey: config.api_key.reveal() }
      : config.username
        ? { username: config.username, password: config.password?.reveal() ?? '' }
        : undefined,
    tls: config.ca_file ? { ca: fs.readFileSync(config.ca_file) } : undefined,
    // Retries are the delivery layer's (with spooling); the client's own would hide outages.
    maxRetries: 0,
    requestTimeout: config.request_timeout,
    // The default ('replace') deep-copies every failed request's metadata to redact it, walking
    // the multi-megabyte bulk body entry by entry: a failed 5 000-line bulk cost ~150 MB of heap
    // and seconds of CPU during an outage. 'remove' drops headers and connection details only.
    redaction: { type: 'remove' },
  });

  /** `pending` until installed; tried again (at most once a minute) while the cluster was unreachable. */
  let template: 'pending' | 'done' | 'skipped' = config.install_template ? 'pending' : 'skipped';
  let templateTriedAt = -Infinity;

  async function installTemplates(signal: AbortSignal): Promise<void> {
    templateTriedAt = deps.clock.now();
    for (const t of indexTemplates(names)) {
      try {
        await client.transport.request(
          { method: 'PUT', path: `/_index_template/${encodeURIComponent(t.name)}`, body: t.body },
          { signal, requestTimeout: config.request_timeout },
        );
        log.info({ template: t.name }, 'index template installed');
      } catch (err) {
        const e = classify(err);
        // Down: try again before a later write. Refused (often a missing privilege or a managed
        // cluster): say so once; indexing still works with dynamic mappings.
        if (
          e.retriable &&
          !(err instanceof esErrors.ResponseError && [401, 403].includes(err.statusCode ?? 0))
        ) {
          log.warn(
            { template: t.name, err: e.message },
            'could not install the index template yet; will try again',
          );
          return;
        }
        log.warn(
          { template: t.name, err: e.message },
          'could not install the index template; documents will be indexed with dynamic mappings (set install_template: false to silence this)',
        );
        template = 'skipped';
        return;
      }
    }
    template = 'done';
  }

  const sink: Sink = {
    name,
    accepts: new Set(['log', 'lifecycle']),
    async start(signal) {
      if (template === 'pending') await installTemplates(signal);
    },
    async write(events, signal) {
      if (template === 'pending' && deps.clock.now() - templateTriedAt >= 60_000)
        await installTemplates(signal);
      const { body, sent } = bulkBody(events, names, config.json_fields_key);
      if (sent.length === 0) return;
      let res: BulkResponse;
      try {
        res = await client.transport.request<BulkResponse>(
          { method: 'POST', path: '/_bulk', querystring: { filter_path: FILTER_PATH }, bulkBody: body },
          { signal, requestTimeout: config.request_timeout },
        );
      } catch (err) {
        throw classify(err);
      }
      const out = bulkOutcome(sent, res);
      if (out.dead.length > 0) {
        deps.deadLetter.write(name, out.dead);
        log.warn(
          { count: out.dead.length, first: out.dead[0]!.reason },
          'documents refused by elasticsearch, written to the dead-letter file',
        );
      }
      if (out.retry.length > 0)
        throw new PartialWriteError(
          `elasticsearch refused ${out.retry.length} of ${sent.length} documents for now (429/5xx)`,
          out.retry,
        );
    },
    async close() {
      await client.close();
    },
  };
  return sink;
};
