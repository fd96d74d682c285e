import type { DockerClient } from '../docker/client';

export interface EngineHealth {
  up: boolean;
  /** Time /_ping took; absent when it failed. */
  pingMs?: number;
  /** Why it is down, for the log. */
  error?: string;
}

/** One /_ping under the client's request timeout: answering or not, and how fast. */
export async function checkEngine(
  client: Pick<DockerClient, 'ping'>,
  now: () => bigint,
  signal?: AbortSignal,
): Promise<EngineHealth> {
  const t0 = now();
  try {
    await client.ping(signal);
    return { up: true, pingMs: Number(now() - t0) / 1e6 };
  } catch (err) {
    return { up: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Docker's data-root from /info (`DockerRootDir`), or undefined when the engine cannot say. */
export async function dockerDataRoot(
  client: Pick<DockerClient, 'api' | 'requestTimeoutMs'>,
): Promise<string | undefined> {
  try {
    const info = await client.api.getJson<{ DockerRootDir?: string }>('/info', {}, client.requestTimeoutMs);
    return info.DockerRootDir || undefined;
  } catch {
    return undefined;
  }
}
