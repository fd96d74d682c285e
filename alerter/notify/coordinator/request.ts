/**
 * The signed POST to a coordinator. The body is signed like a webhook's
 * (`X-Lookout-Signature: sha256=<hex HMAC-SHA256 of the raw body>`) and carries its idempotency
 * key also as the `Idempotency-Key` header, so a coordinator can drop a retry it already did.
 */
import { deadline } from '../../../core/deadline';
import { checkStatus, networkError } from '../http';
import { sign, SIGNATURE_HEADER } from '../webhook';
import type { AlertLinks } from '../../links';
import type { Direction } from './decide';

export interface ScaleRequest {
  version: 1;
  kind: 'scale';
  service: string;
  direction: Direction;
  current_size: number;
  suggested_size: number;
  idempotency_key: string;
  evidence: {
    rule: string;
    alert: string;
    summary: string;
    value?: number;
    threshold?: number;
    detail?: string;
    links: AlertLinks;
  };
  at: number;
}

/** The size the coordinator reports in its answer (`{"size": n}`), when it reports one. */
function reportedSize(text: string): number | undefined {
  try {
    const size = (JSON.parse(text) as { size?: unknown }).size;
    return typeof size === 'number' && Number.isInteger(size) && size >= 0 ? size : undefined;
  } catch {
    return undefined;
  }
}

export async function postScale(
  url: string,
  req: ScaleRequest,
  key: string,
  timeout: number,
  signal: AbortSignal,
): Promise<number | undefined> {
  const body = JSON.stringify(req);
  const headers = {
    'content-type': 'application/json',
    'idempotency-key': req.idempotency_key,
    [SIGNATURE_HEADER]: sign(body, key),
  };
  const limit = deadline(timeout, signal);
  try {
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers, body, signal: limit.signal });
    } catch (err) {
      throw networkError('coordinator', err);
    }
    const text = await res.text().catch(() => '');
    checkStatus('coordinator', res.status, text);
    return reportedSize(text);
  } finally {
    limit.done();
  }
}
