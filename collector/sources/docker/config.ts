import { z } from 'zod';
import { duration } from '../../../core/config/types';
import { labelSelector } from './selector';

/**
 * `docker:` — how the collector reaches the Engine API. `host` takes DOCKER_HOST syntax
 * (`unix:///path`, `tcp://h:2375`); `socket` is a plain unix socket path. Neither set: the
 * DOCKER_HOST environment variable, else /var/run/docker.sock.
 */
export const dockerConfigSchema = z
  .object({
    socket: z.string().min(1).optional(),
    host: z.string().min(1).optional(),
    /** Deadline for one request (list, inspect, ping); the events stream has none. */
    request_timeout: duration().default(10_000),
    /** Reconnect backoff when dockerd goes away. */
    reconnect_initial: duration().default(500),
    reconnect_max: duration().default(30_000),
    /**
     * Containers left out of monitoring: label selectors, `key` or `key=value`; a container
     * matching any one is not watched (no logs, stats, lifecycle events, nor heartbeat inventory).
     */
    exclude: z.array(labelSelector()).prefault(['lookout.enable=false']),
    /**
     * When set, only containers matching one of these selectors are watched; `exclude` still
     * wins. Absent: every container (an empty list would watch nothing, so it is refused).
     */
    include: z
      .array(labelSelector())
      .min(1, { message: 'list at least one selector, or leave docker.include out to watch every container' })
      .optional(),
  })
  .strict()
  .refine((c) => !(c.socket && c.host), { message: 'set either docker.socket or docker.host, not both' });

export type DockerConfig = z.output<typeof dockerConfigSchema>;

/**
 * `host_root:` where the host's /proc and /sys/fs/cgroup are visible. `/` on the host itself;
 * in the sidecar container the host root is bind-mounted, e.g. at `/host`.
 */
export const hostRootSchema = z.string().min(1).default('/');

/** The two top-level keys this folder owns, for the lead to spread into the collector schema. */
export const dockerSectionSchemas = {
  docker: dockerConfigSchema.prefault({}),
  host_root: hostRootSchema,
};
