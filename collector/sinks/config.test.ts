import { sinksSchema } from './config';

test('no sinks configured: stdout', () => {
  expect(sinksSchema.parse(undefined)).toEqual([{ type: 'stdout' }]);
  expect(sinksSchema.parse([])).toEqual([{ type: 'stdout' }]);
});

test('defaults of every kind', () => {
  const [es, ls, sd, gr] = sinksSchema.parse([
    { type: 'elasticsearch' },
    { type: 'logstash', address: 'ls:5044' },
    { type: 'statsd' },
    { type: 'graphite' },
  ]);
  expect(es).toMatchObject({
    url: 'http://127.0.0.1:9200',
    index_mode: 'data_stream',
    install_template: true,
    json_fields_key: 'json',
    request_timeout: 30_000,
  });
  expect(ls).toMatchObject({ address: { host: 'ls', port: 5044 }, resend_window: 5000 });
  expect(sd).toMatchObject({
    address: { host: '127.0.0.1', port: 8125 },
    prefix: 'lookout',
    tags: false,
    protocol: 'udp',
    max_datagram_bytes: 1432,
  });
  expect(gr).toMatchObject({ address: { host: '127.0.0.1', port: 2003 }, prefix: 'lookout', tags: false });
});

test.each([
  [[{ type: 'kafka' }], 'type'],
  [[{ type: 'graphite', adress: 'x' }], 'adress'],
  [[{ type: 'graphite' }, { type: 'graphite' }], 'two sinks are named "graphite"'],
  [[{ type: 'elasticsearch', index_mode: 'weekly' }], 'index_mode'],
  [
    [{ type: 'statsd', max_datagram_bytes: 65536 }],
    '0.max_datagram_bytes max_datagram_bytes is at most 65507',
  ],
  [[{ type: 'statsd', max_datagram_bytes: 10 }], 'max_datagram_bytes is at least 64'],
])('rejected: %j', (input, fragment) => {
  const r = sinksSchema.safeParse(input);
  expect(r.success).toBe(false);
  expect(r.error!.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('\n')).toContain(fragment);
});

test('two sinks of one type with distinct names', () => {
  expect(
    sinksSchema.parse([
      { type: 'graphite', name: 'a' },
      { type: 'graphite', name: 'b', address: 'h:2103' },
    ]),
  ).toHaveLength(2);
});
