import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { deadline } from '../../../core/deadline';
import { DockerUnavailableError, LookoutError } from '../../../core/errors';
import type { Logger } from '../../../core/logger';
import type { DockerConfig } from './config';
import { type Endpoint, EngineApi } from './engine-api';

export { DockerApiError, DockerWriteRefusedError } from './engine-api';

export interface DockerClient {
  /** The GET-only HTTP client underneath, for tests and for reads not listed below. */
  readonly api: EngineApi;
  /** What we dial, for messages: a socket path or a tcp URL. */
  readonly endpoint: string;
  /**
   * Reached over TCP: the engine's log files and cgroups are on another machine, so logs come
   * through the API and stats from the API (a unix socket can be mounted in, a port cannot tell).
   */
  readonly remote: boolean;
  readonly requestTimeoutMs: number;
  /** Reconnect backoff from `docker.reconnect_initial`/`reconnect_max`, for discovery. */
  readonly reconnect: { initialMs: number; maxMs: number };
  /** Resolves when the engine answers /_ping; throws DockerUnavailableError saying what to do. */
  ping(signal?: AbortSignal): Promise<void>;
  /** The calls lookout makes, typed and each under `request_timeout` (except the streams). */
  listContainers(signal?: AbortSignal): Promise<Array<{ Id: string }>>;
  inspectContainer(id: string, signal?: AbortSignal): Promise<unknown>;
  /** One-shot stats: no second sample, no one-second wait inside dockerd. */
  containerStats(id: string, signal?: AbortSignal): Promise<unknown>;
  /** The `/events` stream; it ends when dockerd goes away or `signal` aborts. */
  events(query: Record<string, unknown>, signal: AbortSignal): Promise<Readable & { destroy(): void }>;
  /** A followed logs stream with time stamps (multiplexed unless the container has a TTY). */
  containerLogs(
    id: string,
    query: { since: number; follow: boolean },
    signal: AbortSignal,
  ): Promise<Readable & { destroy(): void }>;
  /** Closes kept-alive connections. */
  close(): void;
}

/** `docker.socket`, `docker.host`, DOCKER_HOST, then the default socket, in that order. */
export function resolveEndpoint(
  cfg: Pick<DockerConfig, 'socket' | 'host'>,
  env: NodeJS.ProcessEnv = process.env,
): Endpoint {
  if (cfg.socket) return { socketPath: cfg.socket };
  const host = cfg.host ?? env.DOCKER_HOST;
  if (!host) return { socketPath: '/var/run/docker.sock' };
  if (host.startsWith('unix://'))
    return { socketPath: host.slice('unix://'.length) || '/var/run/docker.sock' };
  const url = new URL(host.includes('://') ? host : `tcp://${host}`);
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LookoutError(`docker host ${host}: only unix://, tcp:// and https:// are supported`);
  }
  return { url };
}

const id64 = (id: string) => encodeURIComponent(id);

export interface DockerClientDeps {
  logger: Logger;
  env?: NodeJS.ProcessEnv;
}

export function createDockerClient(cfg: DockerConfig, deps: DockerClientDeps): DockerClient {
  const env = deps.env ?? process.env;
  const ep = resolveEndpoint(cfg, env);
  const api = new EngineApi(ep, env);
  const endpoint = api.endpoint;
  const log = deps.logger.child({ component: 'docker-client' });
  log.debug({ endpoint }, 'docker client');
  const get = <T>(path: string, query: Record<string, unknown>, signal?: AbortSignal) =>
    api.getJson<T>(path, query as never, cfg.request_timeout, signal);

  async function ping(signal?: AbortSignal): Promise<void> {
    if ('socketPath' in ep) checkSocket(ep.socketPath);
    const d = deadline(cfg.request_timeout, signal);
    try {
      const res = await api.request('GET', '/_ping', {}, { signal: d.signal });
      res.resume(); // "OK": drained so the connection goes back to the pool
      if (res.statusCode !== 200) throw new LookoutError(`/_ping answered ${res.statusCode}`);
    } catch (err) {
      throw unavailable(endpoint, err);
    } finally {
      d.done();
    }
  }
  return {
    api,
    endpoint,
    remote: !('socketPath' in ep),
    requestTimeoutMs: cfg.request_timeout,
    reconnect: { initialMs: cfg.reconnect_initial, maxMs: cfg.reconnect_max },
    ping,
    listContainers: (signal) => get('/containers/json', { all: true }, signal),
    inspectContainer: (id, signal) => get(`/containers/${id64(id)}/json`, {}, signal),
    containerStats: (id, signal) =>
      get(`/containers/${id64(id)}/stats`, { stream: false, 'one-shot': true }, signal),
    events: (query, signal) => api.getStream('/events', query as never, signal),
    containerLogs: (id, query, signal) =>
      api.getStream(
        `/containers/${id64(id)}/logs`,
        { stdout: true, stderr: true, timestamps: true, follow: query.follow, since: query.since },
        signal,
      ),
    close: () => api.close(),
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
  return new DockerUnavailableError(`cannot reach the Docker engine at ${endpoint} (${why}): ${hint}`, {
    retriable: code !== 'EACCES',
    cause: err,
  });
}
