import { elasticsearchSinkSchema } from '../config';
import { clientOptions } from './client';

// Secrets come from the environment (the config never holds them).
process.env.LOOKOUT_TEST_ES_KEY = 'k';
process.env.LOOKOUT_TEST_ES_PASSWORD = 'p';
const key = { env: 'LOOKOUT_TEST_ES_KEY' };
const password = { env: 'LOOKOUT_TEST_ES_PASSWORD' };

const options = (over: Record<string, unknown>) =>
  clientOptions(elasticsearchSinkSchema.parse({ type: 'elasticsearch', ...over }));

test('an API key wins over a user name; neither means no auth', () => {
  expect(options({ api_key: key, username: 'u', password }).auth).toEqual({ apiKey: 'k' });
  expect(options({ username: 'u', password }).auth).toEqual({ username: 'u', password: 'p' });
  expect(options({ username: 'u' }).auth).toEqual({ username: 'u', password: '' });
  expect(options({}).auth).toBeUndefined();
});

test('one URL or several become the node list; the client never retries on its own', () => {
  expect(options({}).nodes).toEqual(['http://127.0.0.1:9200']);
  expect(options({ url: ['http://a:9200', 'http://b:9200'] }).nodes).toEqual([
    'http://a:9200',
    'http://b:9200',
  ]);
  expect(options({ request_timeout: '5s' })).toMatchObject({
    maxRetries: 0,
    requestTimeout: 5_000,
    redaction: { type: 'remove' },
  });
});
