export { prepareSidecar, dockerSocketPath, type SidecarSetup, type SidecarOptions } from './sidecar';
export { detectHostRoot, SIDECAR_HOST_ROOT, type HostRootDecision } from './host-root';
export { preflight, formatProblems, realProbe, type PreflightProblem, type Probe } from './preflight';
export { ownContainerId } from './self';
