import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { deadline } from '../../../core/deadline';
import { LookoutError } from '../../../core/errors';

/**
 * The HTTP side of lookout's Docker client: GET (and HEAD) over the engine's socket or TCP port,
 * and nothing else.
 *
 * Why not dockerode: the collector makes five kinds of read, and dockerode brings the whole API
 * plus grpc-js, protobufjs and ssh2 (about 20 MB of a sidecar's resident memory), and every one of
 * its write methods had to be fenced off. Here a write cannot be expressed except through
 * `request(method, ...)`, which refuses it before a socket is opened.
 */

/** A write to the Engine API was attempted through the read-only client: a programmer error. */
export class DockerWriteRefusedError extends LookoutError {
  constructor(method: string, path: string) {
    super(`lookout's Docker client is read-only: refused ${method} ${path} (only GET and HEAD are sent)`);
  }
}

/** The engine answered with an error status; `statusCode` 404 means the object is gone. */
export class DockerApiError extends LookoutError {
  constructor(
    readonly statusCode: number,
    readonly path: string,
    message: string,
  ) {
    super(`Docker engine: GET ${path} answered ${statusCode}: ${message}`, { retriable: statusCode >= 500 });
  }
}

export type Endpoint = { socketPath: string } | { url: URL };
export type Query = Record<string, string | number | boolean | object | undefined>;

const READ_METHODS = new Set(['GET', 'HEAD']);
/** Inspect of a container with many mounts and labels is a few kB; a runaway body is a bug. */
const MAX_JSON_BYTES = 32 * 1024 * 1024;
const MAX_ERROR_BYTES = 64 * 1024;

/** `filters` and other objects travel as JSON, as the Engine API expects; the rest as text. */
export function encodeQuery(query: Query): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(text)}`);
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** TLS material the way the docker CLI finds it: DOCKER_CERT_PATH, else ~/.docker. */
function tlsOptions(env: NodeJS.ProcessEnv): https.AgentOptions {
  const dir = env.DOCKER_CERT_PATH ?? path.join(os.homedir(), '.docker');
  const read = (name: string) => {
    try {
      return fs.readFileSync(path.join(dir, name));
    } catch {
      return undefined;
    }
  };
  return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
}

export class EngineApi {
  /** What we dial, for messages: a socket path or a URL. */
  readonly endpoint: string;
  private readonly base: http.RequestOptions;
  private readonly transport: typeof http | typeof https;
  // Short requests share kept-alive connections (stats every interval for every container);
  // streams (events, logs) each get their own connection, so they never hold a pooled one.
  private readonly pooled: http.Agent;

  constructor(endpoint: Endpoint, env: NodeJS.ProcessEnv = process.env) {
    if ('socketPath' in endpoint) {
      this.endpoint = endpoint.socketPath;
      this.transport = http;
      this.base = { socketPath: endpoint.socketPath };
      this.pooled = new http.Agent({ keepAlive: true, maxSockets: 16 });
    } else {
      const u = endpoint.url;
      const tls = u.protocol === 'https:' || env.DOCKER_TLS_VERIFY === '1' || u.port === '2376';
      // Read once: streams (agent: false) take it from `base`, short reads from the pooled agent.
      const certs = tls ? tlsOptions(env) : {};
      this.endpoint = u.href;
      this.transport = tls ? https : http;
      this.base = { host: u.hostname, port: Number(u.port) || (tls ? 2376 : 2375), ...certs };
      this.pooled = tls
        ? new https.Agent({ keepAlive: true, maxSockets: 16, ...certs })
        : new http.Agent({ keepAlive: true, maxSockets: 16 });
    }
  }

  /**
   * The one place a request is made. Anything but GET or HEAD is refused here, before a
   * connection is opened; the refusal is asynchronous like any other failure.
   */
  request(
    method: string,
    pathname: string,
    query: Query = {},
    opts: { signal?: AbortSignal; stream?: boolean } = {},
  ): Promise<http.IncomingMessage> {
    const m = method.toUpperCase();
    if (!READ_METHODS.has(m)) return Promise.reject(new DockerWriteRefusedError(m, pathname));
    return new Promise((resolve, reject) => {
      const req = this.transport.request(
        {
          ...this.base,
          method: m,
          path: pathname + encodeQuery(query),
          headers: { Accept: 'application/json' },
          agent: opts.stream ? false : this.pooled,
          signal: opts.signal,
        },
        resolve,
      );
      req.on('error', reject);
      req.end();
    });
  }

  /** GET a JSON body within `timeoutMs` (headers and body), failing on a non-2xx status. */
  async getJson<T>(pathname: string, query: Query, timeoutMs: number, signal?: AbortSignal): Promise<T> {
    const d = deadline(timeoutMs, signal);
    try {
      const res = await this.request('GET', pathname, query, { signal: d.signal });
      const ok = (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300;
      const body = await readBody(res, ok ? MAX_JSON_BYTES : MAX_ERROR_BYTES);
      if (!ok) throw apiError(res.statusCode ?? 0, pathname, body);
      return (body.length > 0 ? JSON.parse(body) : undefined) as T;
    } finally {
      d.done();
    }
  }

  /** GET a body to be read as it comes (events, followed logs); it ends when `signal` aborts. */
  async getStream(
    pathname: string,
    query: Query,
    signal: AbortSignal,
  ): Promise<Readable & { destroy(): void }> {
    const res = await this.request('GET', pathname, query, { signal, stream: true });
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) throw apiError(status, pathname, await readBody(res, MAX_ERROR_BYTES));
    return res;
  }

  /** Closes the idle kept-alive connections (streams end with their signals). */
  close(): void {
    this.pooled.destroy();
  }
}

function apiError(status: number, pathname: string, body: string): DockerApiError {
  let message = body.trim();
  try {
    message = (JSON.parse(body) as { message?: string }).message ?? message;
  } catch {
    // Not JSON (a proxy's HTML page, say): keep the text.
  }
  return new DockerApiError(status, pathname, message.slice(0, 500) || http.STATUS_CODES[status] || 'error');
}

async function readBody(res: http.IncomingMessage, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      res.destroy();
      throw new LookoutError(`Docker engine answer larger than ${max} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Splits a non-TTY logs stream into stdout and stderr. The engine frames each write as an 8-byte
 * header (stream 1 = stdout, 2 = stderr; bytes 4-7 the payload length, big-endian) and the payload;
 * a header or payload may straddle chunks.
 */
export function demux(
  source: Readable,
  onData: (stream: 'stdout' | 'stderr', payload: Buffer) => void,
): void {
  let pending: Buffer = Buffer.alloc(0);
  source.on('data', (chunk: Buffer) => {
    let buf = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    while (buf.length >= 8) {
      const size = buf.readUInt32BE(4);
      if (buf.length < 8 + size) break;
      // Stream 0 (stdin) never carries container output; anything unknown counts as stdout.
      onData(buf[0] === 2 ? 'stderr' : 'stdout', buf.subarray(8, 8 + size));
      buf = buf.subarray(8 + size);
    }
    pending = buf;
  });
}
