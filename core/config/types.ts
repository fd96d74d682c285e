import fs from 'node:fs';
import { z } from 'zod';
import { parseDuration } from '../duration';
import { LookoutError } from '../errors';

/** A duration such as `10s`, `1m30s`, `500ms`, parsed to milliseconds. */
export function duration() {
  return z.string({ error: 'expected a duration such as 10s, 5m or 500ms' }).transform((s, ctx) => {
    const ms = parseDuration(s);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${s}" is not a duration (use e.g. 500ms, 10s, 5m, 1h)` });
      return z.NEVER;
    }
    return ms;
  });
}

/** A byte size such as `1GiB`, `512MiB`, `64KiB`, or a plain number of bytes. */
export function byteSize() {
  const units: Record<string, number> = {
    b: 1,
    kb: 1e3,
    mb: 1e6,
    gb: 1e9,
    kib: 1024,
    mib: 1024 ** 2,
    gib: 1024 ** 3,
  };
  return z.union([z.number().int().nonnegative(), z.string()]).transform((v, ctx) => {
    if (typeof v === 'number') return v;
    const m = /^(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?$/i.exec(v.trim());
    const unit = units[(m?.[2] ?? 'b').toLowerCase()];
    if (!m || unit === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${v}" is not a size (use e.g. 512MiB, 1GiB)` });
      return z.NEVER;
    }
    return Math.round(Number(m[1]) * unit);
  });
}

/**
 * A secret's value, held so that it cannot reach a log line or a JSON dump by accident:
 * printing it, inspecting it or serialising it gives `[redacted]`. One read for a command that
 * sends nothing is resolved when first revealed instead (`Secret.whenUsed`).
 */
export class Secret {
  #value: string | undefined;
  #resolve: (() => string) | undefined;
  constructor(value: string) {
    this.#value = value;
  }
  /** A secret looked up on first `reveal()`, which throws if it cannot be had then. */
  static whenUsed(resolve: () => string): Secret {
    const s = new Secret('');
    s.#value = undefined;
    s.#resolve = resolve;
    return s;
  }
  reveal(): string {
    this.#value ??= this.#resolve!();
    return this.#value;
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[redacted]';
  }
}

type SecretRef = { env: string } | { file: string };

/** The secret's value, or why it cannot be had (an unset variable, an unreadable file). */
function lookUp(ref: SecretRef): { value: string } | { problem: string } {
  if ('env' in ref) {
    const v = process.env[ref.env];
    return v === undefined || v === ''
      ? { problem: `environment variable ${ref.env} is not set` }
      : { value: v };
  }
  try {
    return { value: fs.readFileSync(ref.file, 'utf8').trim() };
  } catch (err) {
    return {
      problem: `cannot read secret file ${ref.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    };
  }
}

/*
 * Set while a command that sends nothing (explain, silence, backtest) parses its config: an
 * on-call engineer in a plain shell has none of the service's secrets, and those commands read
 * the state store or a URL only. Parsing is synchronous, so a flag around it is enough.
 */
let resolveWhenUsed = false;

/** Runs `parse` with every secret it meets left unresolved until something reveals it. */
export function withSecretsResolvedWhenUsed<T>(parse: () => T): T {
  const before = resolveWhenUsed;
  resolveWhenUsed = true;
  try {
    return parse();
  } finally {
    resolveWhenUsed = before;
  }
}

/**
 * Secrets come from the environment or a file, never from the config text itself:
 * `{env: PAGERDUTY_ROUTING_KEY}` or `{file: /run/secrets/pd}`. A missing one is a config
 * problem at load (so `lookout run` and `lookout check` name its file, line and key), except
 * under withSecretsResolvedWhenUsed, where it is an error only if something needs its value.
 */
export function secret() {
  return z
    .union([z.object({ env: z.string() }).strict(), z.object({ file: z.string() }).strict()], {
      error: 'a secret is {env: NAME} or {file: PATH}; secrets are not written in the config itself',
    })
    .transform((ref, ctx) => {
      if (resolveWhenUsed) return Secret.whenUsed(() => revealOrThrow(ref));
      const found = lookUp(ref);
      if ('value' in found) return new Secret(found.value);
      ctx.addIssue({ code: 'custom', message: found.problem });
      return z.NEVER;
    });
}

function revealOrThrow(ref: SecretRef): string {
  const found = lookUp(ref);
  if ('value' in found) return found.value;
  throw new LookoutError(`${found.problem}: this command needs that secret of the config`);
}

/** `host:port`, for listeners and backends. */
export function hostPort(defaultPort?: number) {
  return z.string().transform((s, ctx) => {
    const m = /^\[?([^\]]*?)\]?(?::(\d+))?$/.exec(s.trim());
    const port = m?.[2] !== undefined ? Number(m[2]) : defaultPort;
    if (!m || !m[1] || port === undefined || port > 65535) {
      ctx.addIssue({ code: 'custom', message: `"${s}" is not host:port` });
      return z.NEVER;
    }
    return { host: m[1], port };
  });
}
