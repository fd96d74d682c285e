import { z } from 'zod';
import { statsConfigSchema } from '../stats/config';
import { dockerConfigSchema, dockerSectionSchemas } from './config';

describe('docker and stats config', () => {
  const section = z.object(dockerSectionSchemas).strict();

  it('defaults when nothing is set', () => {
    expect(section.parse({})).toEqual({
      docker: {
        request_timeout: 10_000,
        reconnect_initial: 500,
        reconnect_max: 30_000,
        exclude: [{ key: 'lookout.enable', value: 'false' }],
      },
      host_root: '/',
    });
    expect(statsConfigSchema.parse({})).toEqual({ enabled: true, interval: 10_000, mode: 'auto' });
  });

  it.each([
    [
      { socket: '/run/docker.sock', request_timeout: '3s' },
      { socket: '/run/docker.sock', request_timeout: 3000 },
    ],
    [{ host: 'tcp://10.0.0.2:2375' }, { host: 'tcp://10.0.0.2:2375' }],
  ])('accepts %j', (input, want) => {
    expect(dockerConfigSchema.parse(input)).toMatchObject(want);
  });

  it.each([
    [{ socket: '/a', host: 'unix:///b' }, /either docker.socket or docker.host/],
    [{ sockt: '/a' }, /sockt/],
    [{ request_timeout: 'soon' }, /not a duration/],
  ])('rejects %j', (input, msg) => {
    expect(() => dockerConfigSchema.parse(input)).toThrow(msg);
  });

  it.each([
    [{ interval: '500ms' }, /at least 1s/],
    [{ interval: '10s', every: '1s' }, /every/],
    [{ mode: 'magic' }, /mode|auto/],
  ])('stats rejects %j', (input, msg) => {
    expect(() => statsConfigSchema.parse(input)).toThrow(msg);
  });

  it('exports JSON Schema for editors', () => {
    expect(() => z.toJSONSchema(statsConfigSchema, { io: 'input' })).not.toThrow();
    expect(() => z.toJSONSchema(section, { io: 'input', unrepresentable: 'any' })).not.toThrow();
  });
});
