import { hostMetricsConfigSchema } from './config';

describe('host_metrics settings', () => {
  it('is on by default, every 10s, watching no extra mounts', () => {
    expect(hostMetricsConfigSchema.parse({})).toEqual({ enabled: true, interval: 10_000, mounts: [] });
  });

  it.each([
    [{ mounts: ['srv/data'] }, /each entry must be an absolute host path/],
    [{ interval: '500ms' }, /at least 1s/],
    [{ mount: ['/srv'] }, /mount/],
  ])('refuses %j', (input, message) => {
    expect(() => hostMetricsConfigSchema.parse(input)).toThrow(message);
  });
});
