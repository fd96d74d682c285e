import type { Clock } from '../../../core/clock';
import type { Logger } from '../../../core/logger';
import { classify, isAuthRefusal } from './errors';

/** PUTs one index template (the client's transport in the sink, a fake in the tests). */
export type PutTemplate = (
  name: string,
  body: Record<string, unknown>,
  signal: AbortSignal,
) => Promise<unknown>;

/** While the cluster is unreachable, the templates are tried again before a write at most this often. */
export const TEMPLATE_RETRY_MS = 60_000;

/**
 * Installs the index templates once. A cluster that is down leaves them `pending` (tried again
 * later); one that refuses (often a missing privilege or a managed cluster) makes them `skipped`,
 * said once: indexing still works with dynamic mappings.
 */
export class TemplateInstaller {
  private state: 'pending' | 'done' | 'skipped';
  private triedAt = -Infinity;

  constructor(
    private readonly put: PutTemplate,
    private readonly templates: ReadonlyArray<{ name: string; body: Record<string, unknown> }>,
    private readonly clock: Clock,
    private readonly log: Logger,
    enabled: boolean,
  ) {
    this.state = enabled ? 'pending' : 'skipped';
  }

  get status(): 'pending' | 'done' | 'skipped' {
    return this.state;
  }

  /** At start: one try, whenever the last one was. */
  async installIfPending(signal: AbortSignal): Promise<void> {
    if (this.state === 'pending') await this.install(signal);
  }

  /** Before a write: one more try if still pending and the last was long enough ago. */
  async retryIfDue(signal: AbortSignal): Promise<void> {
    if (this.state === 'pending' && this.clock.now() - this.triedAt >= TEMPLATE_RETRY_MS)
      await this.install(signal);
  }

  private async install(signal: AbortSignal): Promise<void> {
    this.triedAt = this.clock.now();
    for (const t of this.templates) {
      try {
        await this.put(t.name, t.body, signal);
        this.log.info({ template: t.name }, 'index template installed');
      } catch (err) {
        const e = classify(err);
        if (e.retriable && !isAuthRefusal(err)) {
          this.log.warn(
            { template: t.name, err: e.message },
            'could not install the index template yet; will try again',
          );
          return;
        }
        this.log.warn(
          { template: t.name, err: e.message },
          'could not install the index template; documents will be indexed with dynamic mappings (set install_template: false to silence this)',
        );
        this.state = 'skipped';
        return;
      }
    }
    this.state = 'done';
  }
}
