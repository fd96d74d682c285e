import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { readConfig } from '../../cli/config';
import { composeRunArgs, interpolate } from './compose-run';

const DEPLOY = path.resolve(__dirname, '..', '..', 'deploy');

interface Service {
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
}

function services(file: string): Record<string, Service> {
  return (
    YAML.parse(fs.readFileSync(path.join(DEPLOY, file), 'utf8')) as { services: Record<string, Service> }
  ).services;
}

/** The LOOKOUT_* variables a compose service sets, with its ${...} filled from `vars`. */
function lookoutEnv(svc: Service, vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(svc.environment ?? {}))
    if (k.startsWith('LOOKOUT_')) env[k] = interpolate(String(v), vars);
  return env;
}

describe('deploy files', () => {
  beforeAll(() => {
    // The examples take the PagerDuty key from the environment, as they should.
    process.env.PAGERDUTY_ROUTING_KEY ??= 'example-routing-key';
    // The fleet's alerter API listens beyond loopback, so its config needs a token (issue 17).
    process.env.ALERTER_API_TOKEN ??= 'example-api-token';
  });

  const cases: Array<[string, string, string, string[]]> = [
    ['one host', 'compose.yaml', 'lookout.yaml', []],
    ['fleet host overlay', 'compose.fleet-host.yaml', 'lookout.yaml', ['compose.yaml']],
    ['central alerter', 'compose.fleet.yaml', 'alerter.yaml', []],
  ];
  it.each(cases)(
    '%s: the example config with the compose env is a valid config',
    (_n, file, config, base) => {
      const vars = {
        KAFKA_BROKERS: '[kafka.example.net:9092]',
        DOCKER_GID: '999',
        KAFKA_HOST: 'kafka.example.net',
      };
      const env: NodeJS.ProcessEnv = {};
      for (const f of [...base, file]) {
        for (const svc of Object.values(services(f))) Object.assign(env, lookoutEnv(svc, vars));
      }
      expect(() => readConfig(path.join(DEPLOY, config), env)).not.toThrow();
    },
  );

  it('the sidecar mounts what issues 8 and 13 list, read-only, and sets host_root', () => {
    const args = composeRunArgs(path.join(DEPLOY, 'compose.yaml'), 'lookout', {
      vars: { DOCKER_GID: '999' },
    });
    const mounts = args.flatMap((a, i) => (args[i - 1] === '-v' ? [a] : []));
    for (const m of [
      '/var/run/docker.sock:/var/run/docker.sock:ro',
      '/var/lib/docker/containers:/var/lib/docker/containers:ro',
      // The host's root (its /proc, /sys/fs/cgroup and file systems for host metrics).
      '/:/host:ro',
    ]) {
      expect(mounts).toContain(m);
    }
    expect(mounts).toContain('lookout-state:/var/lib/lookout');
    expect(args).toEqual(
      expect.arrayContaining([
        '--read-only',
        '--user',
        '1000:1000',
        '--group-add',
        '999',
        '--cap-drop',
        'ALL',
      ]),
    );
    expect(args).toContain('LOOKOUT_COLLECTOR__HOST_ROOT=/host');
  });

  it('the compose file needs the socket group and says how to get it', () => {
    expect(() => composeRunArgs(path.join(DEPLOY, 'compose.yaml'), 'lookout', { vars: {} })).toThrow(
      /DOCKER_GID.*stat -c %g \/var\/run\/docker\.sock/,
    );
  });

  it('the fleet commands are collect/alert over Kafka', () => {
    expect(services('compose.fleet-host.yaml').lookout!.command!.slice(0, 3)).toEqual([
      'collect',
      '--bus',
      'kafka',
    ]);
    expect(services('compose.fleet.yaml')['alerter-1']!.command!.slice(0, 3)).toEqual([
      'alert',
      '--bus',
      'kafka',
    ]);
  });
});
