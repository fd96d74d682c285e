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

/** A network failure or our own deadline: the receiver may be fine a moment later. */
export function networkError(what: string, err: unknown): LookoutError {
  if (err instanceof LookoutError) return err;
  const e = err as { name?: string; message?: string; code?: string };
  const reason =
    e.name === 'AbortError' || e.name === 'TimeoutError' ? 'timed out' : (e.code ?? e.message ?? String(err));
  return new TransientDeliveryError(`${what} unreachable: ${reason}`, err);
}

/** Cuts `s` to `max` characters, marking the cut. */
export function cut(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
