/**
 * The bench:tail path's `_bulk` bodies, hashed: a json-file log of every kind of line goes through
 * the real log source and the Elasticsearch sink's bulkBody, and the SHA-256 of all bodies is
 * printed. A change to the tail or the splice must leave it as it is on the base commit: run it
 * here and against a worktree of the base (`--root`), and compare the two lines (issue 16).
 *
 *   npx tsx bench/tail-body-sha.ts [--lines 500000] [--chunk 524288] [--root /tmp/base-worktree]
 *
 * Line ids carry the file's identity (device, inode), so both runs must read the same file: it
 * is written once to `--file` (default: in the temp folder) and kept for the next run.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
}

const time = (i: number) =>
  `2026-11-25T12:${String(Math.floor(i / 60_000) % 60).padStart(2, '0')}:${String(Math.floor(i / 1000) % 60).padStart(2, '0')}.${String((i * 1000) % 1e9).padStart(9, '0')}Z`;
const line = (log: string | Buffer, i: number, stream = 'stdout', extra = '') =>
  Buffer.concat([
    Buffer.from('{"log":"'),
    Buffer.from(log),
    Buffer.from(`","stream":"${stream}",${extra}"time":"${time(i)}"}\n`),
  ]);

/** One json-file line (or two: a split one) per kind; each gives one event but the corrupt one. */
const KINDS: Array<(i: number) => Buffer> = [
  (i) => line(`ERROR say \\"hi\\" C:\\\\tmp ${i}\\n`, i, 'stderr'),
  (i) => line(`caf\\u00e9 \\ud83d\\ude00 \\u003cb\\u003e ${i}\\n`, i),
  (i) => line(`café ☕ 日本語 ${i}\\n`, i),
  (i) =>
    line(Buffer.concat([Buffer.from('bad '), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(` ${i}\\n`)]), i),
  (i) => Buffer.concat([line(`part ${i} `, i), line('end\\n', i)]),
  (i) => line(`tab\there ${i}\\n`, i),
  (i) => line(`WARN ${'x'.repeat(i % 300)}\\n`, i, 'stdout', '"attrs":{"a":"b"},'),
  (i) => line(`prompt ${i}\\r\\n`, i),
  (i) => line('\\n', i),
  (i) => Buffer.from(`not json ${i}\n`),
  (i) => line(`2026-11-25 10:00:00,123 warn ${'y'.repeat(i % 200)}\\n`, i, 'stderr'),
  (i) => line(`{\\"level\\":\\"error\\",\\"n\\":${i}}\\n`, i),
];

/** Seven lines in ten are the common plain line; the rest cycle through KINDS. */
function writeMixedLog(file: string, lines: number): number {
  const parts: Buffer[] = [];
  let events = 0;
  for (let i = 0; i < lines; i++) {
    const k = i % 40 < 28 ? -1 : (i % 40) - 28;
    parts.push(k < 0 ? line(`INFO req=${i} plain line\\n`, i) : KINDS[k]!(i));
    if (k !== 9) events++;
  }
  fs.writeFileSync(file, Buffer.concat(parts));
  return events;
}

async function main(): Promise<void> {
  const root = path.resolve(arg('root', path.join(__dirname, '..')));
  const lines = Number(arg('lines', '500000'));
  const chunk = Number(arg('chunk', String(512 * 1024)));
  const { StateStore } = await import(path.join(root, 'core/store/store'));
  const { systemClock } = await import(path.join(root, 'core/clock'));
  const { silentLogger } = await import(path.join(root, 'core/logger'));
  const { createLogSource } = await import(path.join(root, 'collector/sources/logs'));
  const { logsConfig } = await import(path.join(root, 'collector/sources/logs/config'));
  const { fileContainer, StaticDirectory } = await import(
    path.join(root, 'test/collector-logs/support/directory')
  );
  const { bulkBody, defaultIndexNames } = await import(path.join(root, 'collector/sinks/elasticsearch/bulk'));
  const file = arg('file', path.join(os.tmpdir(), `lookout-tail-body-sha-${lines}-json.log`));
  const expected = fs.existsSync(file) ? Number(fs.readFileSync(`${file}.events`, 'utf8')) : undefined;
  const events0 = expected ?? writeMixedLog(file, lines);
  if (expected === undefined) fs.writeFileSync(`${file}.events`, String(events0));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-bench-sha-'));
  try {
    const store = StateStore.open(path.join(dir, 'state.db'));
    const containers = new StaticDirectory();
    const id = 'b'.repeat(64);
    containers.add(fileContainer(id, file, { 'com.docker.compose.service': 'bench' }, 'bench-app'));
    const source = createLogSource(logsConfig({ start_at: 'beginning', read_chunk_bytes: chunk }), {
      logger: silentLogger(),
      clock: systemClock,
      store,
      host: 'bench-host',
      containers,
    });
    const names = defaultIndexNames('data_stream');
    const hash = crypto.createHash('sha256');
    const ac = new AbortController();
    let events = 0;
    for await (const batch of source.run(ac.signal)) {
      events += batch.events.length;
      hash.update(bulkBody(batch.events, names, 'json').body);
      batch.onDelivered?.();
      if (events >= events0) ac.abort();
    }
    store.close();
    console.log(`${hash.digest('hex')}  ${events} events of ${file}, chunk ${chunk}, code at ${root}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
