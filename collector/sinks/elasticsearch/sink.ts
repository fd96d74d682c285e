import type { Client } from '@elastic/elasticsearch';
import type { LookoutEvent } from '../../../core/events';
import type { Logger } from '../../../core/logger';
import type { SinkConfigOf } from '../config';
import { sinkName } from '../config';
import { PartialWriteError, type Sink, type SinkDeps, type SinkFactory } from '../sink';
import {
  bulkBody,
  bulkOutcome,
  bulkPath,
  defaultIndexNames,
  type BulkResponse,
  type IndexNames,
} from './bulk';
import { BodyPool } from './body-buffer';
import { createClient } from './client';
import { classify } from './errors';
import { indexTemplates } from './template';
import { TemplateInstaller } from './template-installer';

/** Only what the outcome needs comes back: a 5 000-item answer shrinks to a few bytes a line. */
const FILTER_PATH = 'errors,items.*.status,items.*.error.type,items.*.error.reason';

/** Logs and lifecycle events as documents, one bulk request a batch. */
class ElasticsearchSink implements Sink {
  readonly accepts = new Set<LookoutEvent['kind']>(['log', 'lifecycle']);
  // Each write is its own _bulk request with deterministic ids: two at once cannot clash.
  readonly concurrentWrites = true;
  private readonly log: Logger;
  private readonly names: IndexNames;
  private readonly client: Client;
  private readonly templates: TemplateInstaller;
  private readonly bodies = new BodyPool();

  constructor(
    readonly name: string,
    private readonly config: SinkConfigOf<'elasticsearch'>,
    private readonly deps: SinkDeps,
  ) {
    this.log = deps.logger.child({ sink: name });
    this.names = defaultIndexNames(config.index_mode, config.logs_index, config.lifecycle_index);
    this.client = createClient(config);
    const put = (template: string, body: Record<string, unknown>, signal: AbortSignal) =>
      this.client.transport.request(
        { method: 'PUT', path: `/_index_template/${encodeURIComponent(template)}`, body },
        { signal, requestTimeout: config.request_timeout },
      );
    this.templates = new TemplateInstaller(
      put,
      indexTemplates(this.names),
      deps.clock,
      this.log,
      config.install_template,
    );
  }

  async start(signal: AbortSignal): Promise<void> {
    await this.templates.installIfPending(signal);
  }

  async write(events: LookoutEvent[], signal: AbortSignal): Promise<void> {
    await this.templates.retryIfDue(signal);
    const { body, sent, backing, index } = bulkBody(
      events,
      this.names,
      this.config.json_fields_key,
      this.bodies,
    );
    let res: BulkResponse;
    try {
      if (sent.length === 0) return;
      res = await this.client.transport.request<BulkResponse>(
        { method: 'POST', path: bulkPath(index), querystring: { filter_path: FILTER_PATH }, bulkBody: body },
        { signal, requestTimeout: this.config.request_timeout },
      );
    } catch (err) {
      throw classify(err);
    } finally {
      // The request is over (answered, failed or aborted): its body buffer may be written again.
      this.bodies.give(backing);
    }
    const out = bulkOutcome(sent, res);
    if (out.dead.length > 0) {
      this.deps.deadLetter.write(this.name, out.dead);
      this.log.warn(
        { count: out.dead.length, first: out.dead[0]!.reason },
        'documents refused by elasticsearch, written to the dead-letter file',
      );
    }
    if (out.retry.length > 0)
      throw new PartialWriteError(
        `elasticsearch refused ${out.retry.length} of ${sent.length} documents for now (429/5xx)`,
        out.retry,
      );
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

export const createElasticsearchSink: SinkFactory<SinkConfigOf<'elasticsearch'>> = (config, deps) =>
  new ElasticsearchSink(sinkName(config), config, deps);
