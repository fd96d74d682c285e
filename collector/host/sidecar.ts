import path from 'node:path';
import { DockerUnavailableError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { detectHostRoot, inContainer, inSidecarContainer } from './host-root';
import { formatProblems, preflight, realProbe, type PreflightProblem, type Probe } from './preflight';
import { ownContainerId } from './self';

/**
 * What the collector needs to know about where it runs, worked out once at start:
 * the host root to read /proc and cgroups under, its own container (to leave out), and whether
 * every mount it needs is there. Meant to be called first thing in the collector's start.
 */
export interface SidecarSetup {
  hostRoot: string;
  /** This process's container id, undefined on the host: discovery must skip it. */
  ownContainerId?: string;
  problems: PreflightProblem[];
}

export interface SidecarOptions {
  /** `collector.host_root` as configured (`/` is the default and means "detect"). */
  hostRoot: string;
  /** `collector.docker`: the socket path, or a DOCKER_HOST-style URL. */
  docker: { socket?: string; host?: string };
  /** `state.path`, the store file. */
  statePath: string;
  logsEnabled: boolean;
  statsEnabled: boolean;
  /** `<DockerRootDir>/containers`; default /var/lib/docker/containers. */
  logsDir?: string;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  probe?: Probe;
}

/** The unix socket the Engine API is reached on, or undefined for TCP. */
export function dockerSocketPath(
  docker: { socket?: string; host?: string },
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (docker.socket) return docker.socket;
  const url = docker.host ?? env.DOCKER_HOST;
  if (!url) return '/var/run/docker.sock';
  return url.startsWith('unix://') ? url.slice('unix://'.length) : undefined;
}

/**
 * Detects host_root and the own container, runs the preflight checks, logs the warnings, and
 * throws DockerUnavailableError (the CLI exits 2 with its message) listing every fatal problem.
 */
export function prepareSidecar(o: SidecarOptions): SidecarSetup {
  const log = o.logger.child({ component: 'preflight' });
  // The sidecar's mount advice only applies when the engine runs outside our pid namespace; the
  // own-container id is looked for in any container (it is simply not found in a foreign engine).
  const contained = inSidecarContainer();
  const { hostRoot, reason } = detectHostRoot(o.hostRoot);
  const own = inContainer() ? ownContainerId() : undefined;
  const problems = preflight(
    {
      dockerSocket: dockerSocketPath(o.docker, o.env),
      logsDir: o.logsDir ?? '/var/lib/docker/containers',
      hostRoot,
      stateDir: path.dirname(o.statePath),
      inContainer: contained,
      logsEnabled: o.logsEnabled,
      statsEnabled: o.statsEnabled,
    },
    o.probe ?? realProbe(),
  );
  log.info({ hostRoot, ownContainerId: own, inContainer: contained }, reason);
  for (const p of problems.filter((x) => x.severity === 'warn'))
    log.warn({ check: p.check, path: p.path }, p.message);
  const fatal = problems.filter((x) => x.severity === 'fatal');
  if (fatal.length > 0)
    throw new DockerUnavailableError(`cannot start the collector:\n${formatProblems(fatal)}`, {
      retriable: false,
    });
  return { hostRoot, ownContainerId: own, problems };
}
