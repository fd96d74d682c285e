import pino, { type Logger } from 'pino';
import { useColor } from './color';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  /** `json` for machines, `pretty` for people, `auto`: pretty on a TTY. */
  format?: 'json' | 'pretty' | 'auto';
  destination?: NodeJS.WritableStream;
}

/**
 * Keys whose values never reach a log line, wherever they sit in a logged object. Notifier
 * and sink configs carry routing keys, passwords and tokens; redacting by key name means a
 * careless `log.info({config})` still prints nothing secret.
 */
export const SECRET_KEYS = [
  'routing_key',
  'routingKey',
  'password',
  'pass',
  'token',
  'secret',
  'api_key',
  'apiKey',
  'authorization',
  'Authorization',
];

const redactPaths = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]);

/** The one root logger; components take `logger.child({component: ...})`. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? process.env.LOOKOUT_LOG_LEVEL ?? 'info';
  const dest = opts.destination ?? process.stderr;
  const pretty =
    opts.format === 'pretty' || (opts.format !== 'json' && (dest as { isTTY?: boolean }).isTTY === true);
  const base = {
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    base: { pid: process.pid },
    onChild: keepLastBinding,
  };
  if (pretty) {
    // Synchronous pretty printing in the main thread: no worker thread to keep alive or lose lines with.
    // Loaded only for a terminal: services log JSON and need not carry the pretty-printer in memory.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pinoPretty = require('pino-pretty') as typeof import('pino-pretty');
    return pino(
      base,
      pinoPretty({
        destination: dest as NodeJS.WritableStream & { fd?: number },
        sync: true,
        // pino-pretty's own guess looks at stdout; logs go to `dest`, and NO_COLOR wins.
        colorize: useColor(dest as { isTTY?: boolean }),
        ignore: 'pid,hostname',
      }) as unknown as pino.DestinationStream,
    );
  }
  return pino(base, dest as pino.DestinationStream);
}

/**
 * pino appends a child's bindings to its parent's, so `parent.child({component: 'api'})` under a
 * parent that already says `component` prints the key twice; JSON readers keep the last one and
 * some shippers refuse the line. Rewriting the child's bindings once, when it is made, keeps each
 * key once with the child's value (in the parent's position), at no cost per line.
 */
export function keepLastBinding(child: Logger): void {
  const held = child as unknown as Record<symbol, string | undefined>;
  const text = held[pino.symbols.chindingsSym];
  if (!text) return;
  // The bindings are already serialised and redacted; parsing keeps the last value of a key.
  const merged = JSON.parse(`{${text.slice(1)}}`) as Record<string, unknown>;
  held[pino.symbols.chindingsSym] = `,${JSON.stringify(merged).slice(1, -1)}`;
}

/** A logger that prints nothing, for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
