import { hostInstanceSubject } from '../../core/metrics-catalog';
import { sanitiseSegment } from '../../dashboards/catalog';
import { collectorHistory, hostInstanceLabels } from './naming';

// Round trip: the labels a host sample carried, through the sinks' segment, and back.
test.each([
  [{ mount: '/' }, '_fs_'],
  [{ mount: '/var/lib/docker' }, '_fs_var_lib_docker'],
  [{ mount: '/mnt/data-1' }, '_fs_mnt_data-1'],
  [{ iface: 'eth0' }, '_net_eth0'],
  [{ iface: 'enp0s3' }, '_net_enp0s3'],
])('%j is written as %s and read back', (labels, segment) => {
  expect(sanitiseSegment(hostInstanceSubject(labels)!)).toBe(segment);
  expect(hostInstanceLabels(segment)).toEqual(labels);
});

test('the host segment itself carries no label', () => {
  expect(hostInstanceLabels('_host')).toBeUndefined();
});

test.each([
  [
    'host.fs.used_percent',
    'lookout.h1._fs_var_lib_docker.host.fs.used_percent',
    { mount: '/var/lib/docker' },
  ],
  ['host.net.rx_errors', 'lookout.h1._net_eth0.host.net.rx_errors', { iface: 'eth0' }],
])('a %s series becomes host samples with their label, not a container', (metric, target, labels) => {
  const h = collectorHistory(metric, { via: 'carbon', prefix: 'lookout' });
  const [s] = h.toSamples([{ target, datapoints: [[5, 100]] }]);
  expect(s).toMatchObject({ host: 'h1', name: metric, value: 5, ts: 100_000, labels });
  expect(s!.container).toBeUndefined();
});

test('a container series keeps its container and gets no labels', () => {
  const h = collectorHistory('cpu.percent', { via: 'carbon', prefix: 'lookout' });
  const [s] = h.toSamples([{ target: 'lookout.h1.web_1.cpu.percent', datapoints: [[5, 100]] }]);
  expect(s!.container?.name).toBe('web_1');
  expect(s!.labels).toBeUndefined();
});
