/**
 * The signed POST to a coordinator (signed-post.ts, as a webhook's). It carries its idempotency
 * key also as the `Idempotency-Key` header, so a coordinator can drop a retry it already did.
 */
import { postSigned } from '../signed-post';
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
  const headers = { 'idempotency-key': req.idempotency_key };
  const res = await postSigned({ what: 'coordinator', url, body, key, headers, timeout, signal });
  return reportedSize(res.text);
}
