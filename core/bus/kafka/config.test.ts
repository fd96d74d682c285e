import { kafkaBusSchema } from './config';

test('defaults', () => {
  expect(kafkaBusSchema.parse({})).toMatchObject({
    brokers: ['127.0.0.1:9092'],
    topic_prefix: 'lookout.',
    group_id: 'lookout',
    partitions: 6,
    compression: 'gzip',
    delivery_timeout: 120_000,
    session_timeout: 30_000,
    ssl: false,
  });
});

test.each([
  [{ brokers: ['kafka'] }, 'brokers.0', 'host:port'],
  [{ partitions: 0 }, 'partitions', ''],
  [{ linger: 'soon' }, 'linger', 'not a duration'],
  [
    { heartbeat_interval: '30s', session_timeout: '10s' },
    'heartbeat_interval',
    'shorter than session_timeout',
  ],
  [{ sasl: { mechanism: 'plain', username: 'u', password: 'inline' } }, 'sasl.password', 'secret'],
  [{ topic_preifx: 'x.' }, '', 'topic_preifx'],
])('%j is refused at %s', (input, path, message) => {
  const r = kafkaBusSchema.safeParse(input);
  expect(r.success).toBe(false);
  const issue = r.error!.issues.find((i) => i.path.join('.') === path);
  expect(issue?.message ?? '').toContain(message);
});

test('the SASL password is a secret from the environment, never printed', () => {
  process.env.LOOKOUT_TEST_KAFKA_PW = 's3cret';
  const c = kafkaBusSchema.parse({
    sasl: { mechanism: 'scram-sha-512', username: 'lookout', password: { env: 'LOOKOUT_TEST_KAFKA_PW' } },
  });
  expect(c.sasl!.password.reveal()).toBe('s3cret');
  expect(JSON.stringify(c)).not.toContain('s3cret');
});
