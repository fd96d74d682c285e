import { inspect } from '../../support/docker';
import type { ContainerInfo } from '../../../collector/sources/docker/types';

/**
 * A ContainerInfo from `docker inspect`, for tests that run the log source without the discovery
 * helper's code: only what the log source reads (meta, log path, driver).
 */
export async function containerInfo(id: string): Promise<ContainerInfo> {
  const j = await inspect(id);
  const labels = (j.Config?.Labels ?? {}) as Record<string, string>;
  const name = String(j.Name ?? '').replace(/^\//, '');
  return {
    meta: {
      id: j.Id as string,
      name,
      image: j.Config?.Image as string,
      labels,
      composeProject: labels['com.docker.compose.project'],
      composeService: labels['com.docker.compose.service'],
      service: labels['lookout.service'] ?? labels['com.docker.compose.service'] ?? name,
    },
    logPath: (j.LogPath as string) || undefined,
    logDriver: j.HostConfig?.LogConfig?.Type as string,
    pid: j.State?.Pid as number,
    running: Boolean(j.State?.Running),
  };
}
