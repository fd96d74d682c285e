import { LAST_LINE_MAX_CHARS, LAST_LINES_MAX, LAST_LINES_MAX_BYTES } from '../../../core/events';
import { silentLogger } from '../../../core/logger';
import { docker, newRunId, removeTestContainers, runContainer } from '../../../test/support/docker';
import { createDockerClient } from '../docker/client';
import { dockerConfigSchema } from '../docker/config';
import { boundLines, readLogTail } from './log-tail';

const runId = newRunId('tail');
const client = createDockerClient(
  dockerConfigSchema.parse({ socket: process.env.DOCKER_SOCKET ?? '/var/run/docker.sock' }),
  { logger: silentLogger() },
);

afterAll(async () => {
  await removeTestContainers(runId);
  client.close();
});

/** Runs `script` to its end (exit 1) and returns the container id. */
async function ranToEnd(script: string, args: string[] = []): Promise<string> {
  const id = await runContainer({ runId, args, cmd: ['sh', '-c', script] });
  await docker('wait', id);
  return id;
}

describe('readLogTail on the real engine', () => {
  it('returns the last 50 lines of stdout and stderr, oldest first', async () => {
    // The engine stamps each stream as it copies it: lines of the two streams written close
    // together may be filed in either order, so stderr has its own moment here.
    const id = await ranToEnd(
      'echo "fatal: gone" >&2; sleep 1; for i in $(seq 1 80); do echo "line $i"; done; exit 1',
    );
    const lines = await readLogTail(client, id, false);
    expect(lines).toHaveLength(LAST_LINES_MAX);
    expect(lines[0]).toBe('line 31');
    expect(lines.at(-1)).toBe('line 80');
    const withStderr = await ranToEnd('echo one; sleep 1; echo "fatal: gone" >&2; exit 1');
    await expect(readLogTail(client, withStderr, false)).resolves.toEqual(['one', 'fatal: gone']);
  });

  it('reads a TTY container, whose stream has no frame headers', async () => {
    const id = await ranToEnd('echo one; echo two; exit 1', ['-t']);
    await expect(readLogTail(client, id, true)).resolves.toEqual(['one', 'two']);
  });

  it('keeps invalid UTF-8 as U+FFFD and removes terminal colours', async () => {
    const id = await ranToEnd("printf 'bad \\377\\376 bytes\\n\\033[31mred\\033[0m\\n'; exit 1");
    await expect(readLogTail(client, id, false)).resolves.toEqual(['bad \ufffd\ufffd bytes', 'red']);
  });

  it('fails for a container the engine does not know', async () => {
    await expect(readLogTail(client, `nosuch${runId}`, false)).rejects.toThrow(/404|No such container/);
  });
});

describe('boundLines', () => {
  it.each<[string, string[], string[]]>([
    ['CR and control characters', ['ok\r', 'a\u0007b\tc'], ['ok', 'a\ufffdb\tc']],
    ['cursor movement', ['\u001b[2K\u001b[1Gprogress 50%'], ['progress 50%']],
    ['a long line is cut', ['x'.repeat(LAST_LINE_MAX_CHARS + 1)], [`${'x'.repeat(LAST_LINE_MAX_CHARS)}…`]],
  ])('%s', (_what, raw, want) => {
    expect(boundLines(raw)).toEqual(want);
  });

  it('drops the oldest lines until the whole fits the byte budget', () => {
    const wide = '\u00e9'.repeat(LAST_LINE_MAX_CHARS); // two bytes a character
    const out = boundLines(Array.from({ length: LAST_LINES_MAX }, (_, i) => `${i}${wide}`));
    const bytes = out.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
    expect(bytes).toBeLessThanOrEqual(LAST_LINES_MAX_BYTES);
    expect(out.at(-1)!.startsWith(`${LAST_LINES_MAX - 1}`)).toBe(true);
    expect(out.length).toBeLessThan(LAST_LINES_MAX);
  });
});
