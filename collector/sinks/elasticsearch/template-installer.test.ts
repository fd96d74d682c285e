import { errors as esErrors } from '@elastic/elasticsearch';
import { ManualClock } from '../../../core/clock';
import { silentLogger } from '../../../core/logger';
import { TEMPLATE_RETRY_MS, TemplateInstaller, type PutTemplate } from './template-installer';

const templates = [
  { name: 'logs', body: { a: 1 } },
  { name: 'lifecycle', body: { b: 2 } },
];
const signal = new AbortController().signal;
const answered = (statusCode: number) =>
  new esErrors.ResponseError({ body: 'no', statusCode, headers: {}, warnings: null, meta: {} as never });

/** A cluster whose answers the test scripts, one per PUT; `undefined` means accepted. */
function cluster(...answers: Array<Error | undefined>) {
  const puts: string[] = [];
  const put: PutTemplate = async (name) => {
    puts.push(name);
    const a = answers.shift();
    if (a) throw a;
  };
  return { puts, put };
}

test('installs every template at start, then never again', async () => {
  const { puts, put } = cluster();
  const t = new TemplateInstaller(put, templates, new ManualClock(), silentLogger(), true);
  await t.installIfPending(signal);
  expect(puts).toEqual(['logs', 'lifecycle']);
  expect(t.status).toBe('done');
  await t.installIfPending(signal);
  await t.retryIfDue(signal);
  expect(puts).toHaveLength(2);
});

test('switched off: nothing is sent', async () => {
  const { puts, put } = cluster();
  const t = new TemplateInstaller(put, templates, new ManualClock(), silentLogger(), false);
  await t.installIfPending(signal);
  await t.retryIfDue(signal);
  expect(puts).toEqual([]);
  expect(t.status).toBe('skipped');
});

test('a cluster that is down is tried again before a write, at most once a minute', async () => {
  const clock = new ManualClock(1_000);
  const { puts, put } = cluster(answered(503), answered(503));
  const t = new TemplateInstaller(put, templates, clock, silentLogger(), true);
  await t.installIfPending(signal);
  expect(t.status).toBe('pending');
  clock.advance(TEMPLATE_RETRY_MS - 1);
  await t.retryIfDue(signal);
  expect(puts).toEqual(['logs']);
  clock.advance(1);
  await t.retryIfDue(signal);
  expect(puts).toEqual(['logs', 'logs']);
  clock.advance(TEMPLATE_RETRY_MS);
  await t.retryIfDue(signal);
  expect(puts).toEqual(['logs', 'logs', 'logs', 'lifecycle']);
  expect(t.status).toBe('done');
});

test.each([
  ['a missing privilege (403)', answered(403)],
  ['bad credentials (401)', answered(401)],
  ['a template the cluster rejects (400)', answered(400)],
])('%s: given up for good, indexing goes on with dynamic mappings', async (_what, err) => {
  const clock = new ManualClock();
  const { puts, put } = cluster(err);
  const t = new TemplateInstaller(put, templates, clock, silentLogger(), true);
  await t.installIfPending(signal);
  expect(t.status).toBe('skipped');
  clock.advance(10 * TEMPLATE_RETRY_MS);
  await t.retryIfDue(signal);
  expect(puts).toEqual(['logs']);
});
