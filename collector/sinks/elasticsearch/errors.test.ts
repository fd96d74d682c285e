import { errors as esErrors } from '@elastic/elasticsearch';
import { classify, isAuthRefusal } from './errors';

const answered = (statusCode: number) =>
  new esErrors.ResponseError({
    body: { error: { type: 'some_exception' } },
    statusCode,
    headers: {},
    warnings: null,
    meta: {} as never,
  });

test.each([
  [429, true],
  [500, true],
  [503, true],
  [401, true],
  [403, true],
  [400, false],
  [404, false],
  [413, false],
])('an answer of %i is retriable: %s', (status, retriable) => {
  const e = classify(answered(status));
  expect(e.retriable).toBe(retriable);
  expect(e.message).toBe(`elasticsearch answered ${status}: some_exception`);
});

test('an unreachable cluster is retriable; a wrong product or configuration is not', () => {
  expect(classify(new esErrors.ConnectionError('ECONNREFUSED')).retriable).toBe(true);
  expect(classify(new esErrors.ConnectionError('ECONNREFUSED')).message).toBe(
    'elasticsearch unreachable: ECONNREFUSED',
  );
  expect(classify(new esErrors.ProductNotSupportedError('Elasticsearch')).retriable).toBe(false);
  expect(classify(new esErrors.ConfigurationError('bad node')).retriable).toBe(false);
});

test('anything else is taken as transient, with its cause kept', () => {
  const cause = new Error('socket hang up');
  const e = classify(cause);
  expect(e.retriable).toBe(true);
  expect(e.message).toBe('elasticsearch: socket hang up');
  expect(e.cause).toBe(cause);
});

test('only 401 and 403 answers are refusals of credentials or privileges', () => {
  expect(isAuthRefusal(answered(401))).toBe(true);
  expect(isAuthRefusal(answered(403))).toBe(true);
  expect(isAuthRefusal(answered(503))).toBe(false);
  expect(isAuthRefusal(new Error('x'))).toBe(false);
});
