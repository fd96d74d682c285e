import type { MetricSample } from '../../core/events';
import { graphiteName } from './names';

const c = (name: string) => ({ id: 'x', name, image: 'i', labels: {}, service: 'shop web' });
const s = (over: Partial<MetricSample>): MetricSample => ({
  kind: 'metric',
  host: 'web01.example.com',
  ts: 0,
  name: 'cpu.percent',
  value: 1,
  type: 'gauge',
  ...over,
});

test.each([
  [
    'plain: host and container are one segment each',
    s({ container: c('api.1 blue/green') }),
    'lookout',
    false,
    'lookout.web01_example_com.api_1_blue_green.cpu.percent',
  ],
  [
    'the metric keeps its dots (the catalog tree)',
    s({ container: c('db'), name: 'mem.usage_bytes' }),
    'lookout',
    false,
    'lookout.web01_example_com.db.mem.usage_bytes',
  ],
  [
    'a probe sample: its target stands for the container',
    s({ name: 'probe.up', labels: { target: 'https://shop/health' } }),
    'lookout',
    false,
    'lookout.web01_example_com.https___shop_health.probe.up',
  ],
  [
    'a host gauge',
    s({ name: 'containers.running' }),
    'lookout',
    false,
    'lookout.web01_example_com._host.containers.running',
  ],
  [
    'a host file system: its mount has its own segment',
    s({ name: 'host.fs.used_percent', labels: { mount: '/var/lib/docker' } }),
    'lookout',
    false,
    'lookout.web01_example_com._fs_var_lib_docker.host.fs.used_percent',
  ],
  [
    'a host interface',
    s({ name: 'host.net.rx_bytes', labels: { iface: 'eth0' } }),
    'lookout',
    false,
    'lookout.web01_example_com._net_eth0.host.net.rx_bytes',
  ],
  [
    'a dotted prefix',
    s({ container: c('db') }),
    'ops.docker',
    false,
    'ops.docker.web01_example_com.db.cpu.percent',
  ],
  ['no prefix', s({ container: c('db') }), '', false, 'web01_example_com.db.cpu.percent'],
  [
    'tags: Graphite 1.1 form',
    s({ container: c('api.1') }),
    'lookout',
    true,
    'lookout.cpu.percent;host=web01.example.com;container=api.1;service=shop_web',
  ],
  [
    'tags: labels become tags',
    s({ name: 'probe.up', labels: { target: 'a;b' } }),
    'lookout',
    true,
    'lookout.probe.up;host=web01.example.com;target=a_b',
  ],
])('%s', (_what, sample, prefix, tags, want) => {
  expect(graphiteName(sample, prefix, tags)).toBe(want);
});
