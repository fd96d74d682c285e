import fs from 'node:fs';
import Docker from 'dockerode';
import { DockerUnavailableError, LookoutError } from '../../../core/errors';
import type { Logger } from '../../../core/logger';
import type { DockerConfig } from './config';

/** A write to the Engine API was attempted through the read-only client: a programmer error. */
export class DockerWriteRefusedError extends LookoutError {
  constructor(method: string, path: string) {
    super(`lookout's Docker client is read-only: refused ${method} ${path} (only GET and HEAD are sent)`);
  }
}

export interface DockerClient {
  /** dockerode, with every non-GET/HEAD request refused before it is sent. */
  readonly api: Docker;
  /** What we dial, for messages: a socket path or a tcp URL. */
  readonly endpoint: string;
  readonly requestTimeoutMs: number;
  /** Reconnect backoff from `docker.reconnect_initial`/`reconnect_max`, for discovery. */
  readonly reconnect: { initialMs: number; maxMs: number };
  /** Resolves when the engine answers /_ping; throws DockerUnavailableError saying what to do. */
  ping(signal?: AbortSignal): Promise<void>;
  /** The calls lookout makes, typed and each under `request_timeout` (except the events stream). */
  listContainers(signal?: AbortSignal): Promise<Array<{ Id: string }>>;
  inspectContainer(id: string, signal?: AbortSignal): Promise<unknown>;
  /** One-shot stats: no second sample, no one-second wait inside dockerd. */
  containerStats(id: string, signal?: AbortSignal): Promise<unknown>;
  /** The `/events` stream; it ends when dockerd goes away or `signal` aborts. */
  events(query: Record<string, unknown>, signal: AbortSignal): Promise<NodeJS.ReadableStream & { destroy(): void }>;
}

/** dockerode's methods take `{abortSignal}` besides their query, which its typings do not say. */
type Call<R> = (opts: Record<string, unknown>) => Promise<R>;
function call<R, O extends object>(self: O, method: keyof O & string): Call<R> {
  return (opts) => (self as unknown as Record<string, (this: O, o: Record<string, unknown>) => Promise<R>>)[method]!.call(self, opts);
}

const READ_METHODS = new Set(['GET', 'HEAD']);

type Endpoint = { socketPath: string } | { url: URL };

/** `docker.socket`, `docker.host`, DOCKER_HOST, then the default socket, in that order. */
export function resolveEndpoint(cfg: Pick<DockerConfig, 'socket' | 'host'>, env: NodeJS.ProcessEnv = process.env): Endpoint {
  if (cfg.socket) return { socketPath: cfg.socket };
  const host = cfg.host ?? env.DOCKER_HOST;
  if (!host) return { socketPath: '/var/run/docker.sock' };
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) || '/var/run/docker.sock' };
  const url = new URL(host.includes('://') ? host : `tcp://${host}`);
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LookoutError(`docker host ${host}: only unix://, tcp:// and https:// are supported`);
  }
  return { url };
}

function modemOptions(ep: Endpoint, env: NodeJS.ProcessEnv): Docker.DockerOptions {
  if ('socketPath' in ep) return { socketPath: ep.socketPath };
  const tls = ep.url.protocol === 'https:' || env.DOCKER_TLS_VERIFY === '1' || ep.url.port === '2376';
  return { host: ep.url.hostname, port: ep.url.port || (tls ? 2376 : 2375), protocol: tls ? 'https' : 'http' };
}

interface DialOptions {
  method?: string;
  path?: string;
}
type DialFn = (options: DialOptions, callback: (err: unknown, data?: unknown) => void) => void;

/**
 * Makes a dockerode instance read-only. Every dockerode method, on the Docker object or on a
 * Container/Image handle, reaches the engine through `modem.dial`; refusing there, before the
 * request is built, means no write can slip through a method we forgot to wrap.
 */
export function makeReadOnly(api: Docker): Docker {
  const modem = api.modem as unknown as { dial: DialFn };
  const dial = modem.dial.bind(modem);
  modem.dial = (options, callback) => {
    const method = (options.method ?? 'GET').toUpperCase();
    if (!READ_METHODS.has(method)) {
      // Asynchronous like a real failure, so promise and callback callers see it the same way.
      const err = new DockerWriteRefusedError(method, String(options.path ?? '').replace(/\?$/, ''));
      process.nextTick(() => callback(err, null));
      return;
    }
    dial(options, callback);
  };
  return api;
}

export interface DockerClientDeps {
  logger: Logger;
  env?: NodeJS.ProcessEnv;
}

export function createDockerClient(cfg: DockerConfig, deps: DockerClientDeps): DockerClient {
  const env = deps.env ?? process.env;
  const ep = resolveEndpoint(cfg, env);
  const endpoint = 'socketPath' in ep ? ep.socketPath : ep.url.href;
  const api = makeReadOnly(new Docker(modemOptions(ep, env)));
  const log = deps.logger.child({ component: 'docker-client' });
  log.debug({ endpoint }, 'docker client');

  const deadline = (signal?: AbortSignal) => {
    const t = AbortSignal.timeout(cfg.request_timeout);
    return signal ? AbortSignal.any([signal, t]) : t;
  };

  async function ping(signal?: AbortSignal): Promise<void> {
    if ('socketPath' in ep) checkSocket(ep.socketPath);
    try {
      await call(api, 'ping')({ abortSignal: deadline(signal) });
    } catch (err) {
      throw unavailable(endpoint, err);
    }
  }
  return {
    api,
    endpoint,
    requestTimeoutMs: cfg.request_timeout,
    reconnect: { initialMs: cfg.reconnect_initial, maxMs: cfg.reconnect_max },
    ping,
    listContainers: (signal) => call<Array<{ Id: string }>, Docker>(api, 'listContainers')({ all: true, abortSignal: deadline(signal) }),
    inspectContainer: (id, signal) => {
      const c = api.getContainer(id);
      return call<unknown, Docker.Container>(c, 'inspect')({ abortSignal: deadline(signal) });
    },
    containerStats: (id, signal) => {
      const c = api.getContainer(id);
      return call<unknown, Docker.Container>(c, 'stats')({ stream: false, 'one-shot': true, abortSignal: deadline(signal) });
    },
    events: (query, signal) => call<NodeJS.ReadableStream & { destroy(): void }, Docker>(api, 'getEvents')({ ...query, abortSignal: signal }),
  };
}

/** Fails early and precisely on the two usual mistakes: no socket, or no permission on it. */
function checkSocket(path: string): void {
  try {
    fs.accessSync(path, fs.constants.R_OK | fs.constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new DockerUnavailableError(
        `Docker socket ${path} does not exist: is dockerd running? Set docker.socket (or DOCKER_HOST) if it listens elsewhere; in a container, mount it with -v /var/run/docker.sock:/var/run/docker.sock:ro`,
        { retriable: true, cause: err },
      );
    }
    throw new DockerUnavailableError(
      `Docker socket ${path} is not readable (${code ?? String(err)}): run lookout as root or as a member of the docker group`,
      { retriable: false, cause: err },
    );
  }
}

export function unavailable(endpoint: string, err: unknown): DockerUnavailableError {
  if (err instanceof DockerUnavailableError) return err;
  const code = (err as { code?: string }).code;
  const why = code ?? (err as Error).message ?? String(err);
  const hint =
    code === 'ECONNREFUSED' || code === 'ENOENT'
      ? 'is dockerd running? Set docker.socket or DOCKER_HOST if it listens elsewhere'
      : code === 'EACCES'
        ? 'run lookout as root or as a member of the docker group'
        : 'check that dockerd is running and answering';
  return new DockerUnavailableError(`cannot reach the Docker engine at ${endpoint} (${why}): ${hint}`, { retriable: code !== 'EACCES', cause: err });
}
