import { PermanentDeliveryError, TransientDeliveryError, LookoutError } from '../../core/errors';

/**
 * Maps an HTTP answer to delivery errors the outbox understands: 2xx accepted; 408, 429 and
 * 5xx worth retrying; any other 4xx final (the request itself is wrong and will stay wrong).
 */
export function checkStatus(what: string, status: number, body: string): void {
  if (status >= 200 && status < 300) return;
  const msg = `${what} answered ${status}${body ? `: ${body.slice(0, 300)}` : ''}`;
  if (status === 408 || status === 429 || status >= 500) throw new TransientDeliveryError(msg);
  throw new PermanentDeliveryError(msg);
}

/**
 * A network failure or our own deadline: the receiver may be fine a moment later. `url`, when
 * given, is named by its origin only: a webhook's path and query are often its secret.
 */
export function networkError(what: string, err: unknown, url?: string): LookoutError {
  if (err instanceof LookoutError) return err;
  const e = err as {
    name?: string;
    message?: string;
    code?: string;
    cause?: { code?: string; message?: string };
  };
  // fetch says only "fetch failed"; the socket's code (ECONNREFUSED, UND_ERR_SOCKET) is in its cause.
  const reason =
    e.name === 'AbortError' || e.name === 'TimeoutError'
      ? 'timed out'
      : (e.code ?? e.cause?.code ?? e.message ?? String(err));
  const at = url === undefined ? '' : ` (${originOf(url)})`;
  return new TransientDeliveryError(`${what} unreachable: ${reason}${at}`, err);
}

function originOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'an unparsable URL';
  }
}

/** Cuts `s` to `max` characters, marking the cut. */
export function cut(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
