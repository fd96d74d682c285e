import type { Logger } from '../../../core/logger';
import { createDockerClient, type DockerClient } from './client';
import type { DockerConfig } from './config';
import { Discovery } from './discovery';

export { createDockerClient, DockerWriteRefusedError, type DockerClient } from './client';
export { dockerConfigSchema, dockerSectionSchemas, hostRootSchema, type DockerConfig } from './config';
export { Discovery, type ContainerEventListener, type DiscoveryDeps } from './discovery';
export type { ContainerDirectory, ContainerInfo, DiscoveryChange } from './types';

/**
 * The read-only client and the discovery cache built from the `docker:` and `host_root:`
 * settings. Call `client.ping()` first (DockerUnavailableError: exit 2), then
 * `discovery.start(signal)`; the sources take `discovery` as their ContainerDirectory.
 */
export function createDocker(
  cfg: { docker: DockerConfig; host_root: string },
  deps: { logger: Logger; env?: NodeJS.ProcessEnv },
): { client: DockerClient; discovery: Discovery } {
  const client = createDockerClient(cfg.docker, deps);
  const discovery = new Discovery(client, { logger: deps.logger, hostRoot: cfg.host_root });
  return { client, discovery };
}
