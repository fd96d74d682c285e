import { StepLog } from './steps';

test('a step that waits too long is named while it waits, and after, if the test gives up', async () => {
  const lines: string[] = [];
  const log = new StepLog((l) => lines.push(l), 20, false);
  let release!: () => void;
  const stuck = log.step('the graph image', () => new Promise<void>((r) => (release = r)));
  await log.step('a quick one', () => Promise.resolve());
  // Nagged at least once while it waits; the quick one, quiet when not verbose, never shows.
  while (!lines.some((l) => l.includes('the graph image: still waiting after')))
    await new Promise((r) => setTimeout(r, 5));
  expect(log.pending()).toEqual([expect.stringMatching(/^the graph image \(\d+ ms\)$/)]);
  expect(lines.some((l) => l.includes('a quick one'))).toBe(false);
  release();
  await stuck;
  expect(log.pending()).toEqual([]);
});

test('a failed step says so with its name and is no longer pending', async () => {
  const lines: string[] = [];
  const log = new StepLog((l) => lines.push(l), 60_000, true);
  await expect(
    log.step('open the page', () => Promise.reject(new Error('net::ERR_CONNECTION_REFUSED'))),
  ).rejects.toThrow('ERR_CONNECTION_REFUSED');
  expect(lines).toEqual([
    expect.stringMatching(/open the page: start$/),
    expect.stringMatching(/open the page: failed after \d+ ms: Error: net::ERR_CONNECTION_REFUSED$/),
  ]);
  expect(log.pending()).toEqual([]);
});
