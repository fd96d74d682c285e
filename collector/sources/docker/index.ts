export { createDockerClient, DockerWriteRefusedError, type DockerClient } from './client';
export { dockerConfigSchema, dockerSectionSchemas, hostRootSchema, type DockerConfig } from './config';
export { Discovery, type ContainerEventListener, type DiscoveryDeps } from './discovery';
export type { ContainerDirectory, ContainerInfo, DiscoveryChange } from './types';
