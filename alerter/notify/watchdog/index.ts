/**
 * Dead man's switch: while the alerter is healthy it calls a URL every interval; an external
 * service that stops hearing from it raises the alarm. "Healthy" means the dispatcher loop
 * has completed a pass recently, so a wedged alerter stops calling too.
 */
import { sleep } from '../../../core/clock';
import type { Logger } from '../../../core/logger';
import { watchdogPings } from '../metrics';
import { deadline } from '../../../core/deadline';
import { scrub, urlSecrets } from '../url-secrets';

export interface WatchdogConfig {
  url: string;
  interval: number;
  timeout: number;
}

export async function runWatchdog(
  cfg: WatchdogConfig,
  healthy: () => boolean,
  logger: Logger,
  signal: AbortSignal,
): Promise<void> {
  const log = logger.child({ component: 'notify', part: 'watchdog' });
  // A dead man's switch URL is its own secret (the check's id is in the path).
  const secrets = urlSecrets(cfg.url);
  while (!signal.aborted) {
    if (healthy()) {
      const limit = deadline(cfg.timeout, signal);
      try {
        const res = await fetch(cfg.url, { signal: limit.signal });
        await res.arrayBuffer().catch(() => undefined);
        watchdogPings.inc({ result: res.ok ? 'ok' : 'error' });
        if (!res.ok) log.warn({ status: res.status }, 'watchdog URL answered with an error');
      } catch (err) {
        if (signal.aborted) return;
        watchdogPings.inc({ result: 'error' });
        log.warn({ err: scrub(String((err as Error).message), secrets) }, 'watchdog URL unreachable');
      } finally {
        limit.done();
      }
    } else {
      watchdogPings.inc({ result: 'skipped' });
      log.warn('alerter not healthy: watchdog call skipped');
    }
    await sleep(cfg.interval, signal).catch(() => undefined);
  }
}
