import path from 'node:path';
import { silentLogger } from '../../../core/logger';
import { chooseStatsMode } from './mode';

const FX = path.join(__dirname, 'fixtures');
const logger = silentLogger();

test.each([
  ['auto', 'v2', false, 'v2'],
  ['auto', 'v1', false, 'v1'],
  // A remote engine's containers are not in this host's cgroups...
  ['auto', 'v2', true, 'api'],
  // ...unless the config insists.
  ['cgroup', 'v2', true, 'v2'],
  ['api', 'v2', false, 'api'],
  ['auto', 'none', false, 'api'],
  ['cgroup', 'none', false, 'api'],
] as const)('mode %s, hierarchy %s, remote engine %s: %s', (configured, tree, remoteEngine, want) => {
  const hostRoot = path.join(FX, tree);
  expect(chooseStatsMode(configured, { hostRoot, remoteEngine, logger })).toBe(want);
});
