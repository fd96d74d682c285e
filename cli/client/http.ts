import fs from 'node:fs';
import { LookoutError } from '../../core/errors';

/** lookout (its API or /metrics) did not answer, or answered with an error: exit code 3. */
export class UnreachableError extends LookoutError {
  /** The HTTP status when lookout answered with an error; undefined when it did not answer. */
  status?: number;
  /** The body of that error answer (a 503 from /healthz says why). */
  body?: string;
}

export interface Endpoint {
  /** Base URL, e.g. http://127.0.0.1:9465 */
  url: string;
  /** Bearer token; reads are open on the bound address, but a proxy in front may want one. */
  token?: string;
  timeoutMs: number;
}

/**
 * The token from --token-file, else LOOKOUT_API_TOKEN. Never from a flag's value: that would
 * sit in the shell history and in `ps` for anyone on the host to read.
 */
export function readToken(tokenFile: string | undefined, env = process.env): string | undefined {
  if (tokenFile) {
    try {
      return fs.readFileSync(tokenFile, 'utf8').trim() || undefined;
    } catch (err) {
      throw new LookoutError(`--token-file ${tokenFile}: ${(err as Error).message}`);
    }
  }
  return env.LOOKOUT_API_TOKEN || undefined;
}

/** GET `path` from the endpoint, with a deadline; the body as text. */
export async function getText(ep: Endpoint, path: string): Promise<string> {
  const url = new URL(path, ep.url.endsWith('/') ? ep.url : `${ep.url}/`);
  let res: Response;
  try {
    res = await fetch(url, {
      headers: ep.token ? { authorization: `Bearer ${ep.token}` } : {},
      signal: AbortSignal.timeout(ep.timeoutMs),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new UnreachableError(`${url.origin} did not answer (${cause})`, { cause: err });
  }
  const body = await res.text();
  if (!res.ok) {
    const err = new UnreachableError(`${url.href} answered ${res.status}: ${body.slice(0, 200)}`);
    err.status = res.status;
    err.body = body;
    throw err;
  }
  return body;
}

export async function getJson<T>(ep: Endpoint, path: string): Promise<T> {
  const text = await getText(ep, path);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new UnreachableError(`${ep.url}${path} did not answer JSON`);
  }
}
