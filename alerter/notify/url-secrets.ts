/**
 * A receiver URL's path and query often are its secret (a Slack or Teams hook, a `?token=`, a
 * dead man's switch id), and error texts from fetch, from a proxy or from the receiver's own 500
 * page may quote them. Every error a receiver throws passes through here before the outbox
 * stores, logs or shows it: what is left names the receiver's origin (scheme://host:port) only.
 */
import type { Notifier } from './types';

/** Shorter pieces are words ("api", "v1"), not secrets; cutting them would garble messages. */
const MIN_PIECE = 6;
const CUT = '…';

/** The texts to cut out of anything said about the URLs found in `config` (longest first). */
export function urlSecrets(config: unknown): string[] {
  const pieces = new Set<string>();
  for (const text of strings(config)) {
    let u: URL;
    try {
      u = new URL(text);
    } catch {
      continue;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') continue;
    const rest = `${u.pathname}${u.search}${u.hash}`;
    if (rest !== '/') pieces.add(text).add(u.href).add(rest);
    for (const p of [u.username, u.password, ...u.pathname.split('/'), ...u.search.slice(1).split('&')])
      addWithDecoded(pieces, p);
    for (const v of u.searchParams.values()) addWithDecoded(pieces, v);
    if (u.hash) addWithDecoded(pieces, u.hash.slice(1));
  }
  return [...pieces].filter((p) => p.length >= MIN_PIECE).sort((a, b) => b.length - a.length);
}

function addWithDecoded(pieces: Set<string>, p: string): void {
  pieces.add(p);
  try {
    pieces.add(decodeURIComponent(p));
  } catch {
    // A malformed escape is kept as written; that form is the one a message would quote.
  }
}

function strings(v: unknown, depth = 0): string[] {
  if (typeof v === 'string') return [v];
  if (depth > 4 || v === null || typeof v !== 'object') return [];
  return Object.values(v).flatMap((x) => strings(x, depth + 1));
}

/** `text` with every secret piece cut out. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(CUT);
  return out;
}

/**
 * Cuts the secrets out of an error's message and stack and out of its causes (pino prints the
 * whole chain), in place: the error keeps its class, which tells the outbox whether to retry.
 */
export function scrubError(err: unknown, secrets: readonly string[], depth = 0): unknown {
  if (secrets.length === 0 || depth > 5) return err;
  if (typeof err === 'string') return scrub(err, secrets);
  if (!(err instanceof Error)) return err;
  err.message = scrub(err.message, secrets);
  if (err.stack) err.stack = scrub(err.stack, secrets);
  if (err.cause !== undefined) err.cause = scrubError(err.cause, secrets, depth + 1);
  if (err instanceof AggregateError) err.errors = err.errors.map((e) => scrubError(e, secrets, depth + 1));
  return err;
}

/** The notifier, with what its sends answer or throw scrubbed of the URLs in its config. */
export function withUrlSecretsScrubbed(notifier: Notifier, config: unknown): Notifier {
  const secrets = urlSecrets(config);
  if (secrets.length === 0) return notifier;
  // The answer is kept in the decision log as well ("200 ok: queued as /hooks/…").
  const guard = async (call: () => Promise<{ answer?: string }>): Promise<{ answer?: string }> => {
    try {
      const told = await call();
      return told.answer === undefined ? told : { ...told, answer: scrub(told.answer, secrets) };
    } catch (err) {
      throw scrubError(err, secrets);
    }
  };
  const sendChange = notifier.sendChange?.bind(notifier);
  return {
    ...notifier,
    send: (n, signal) => guard(() => notifier.send(n, signal)),
    ...(sendChange ? { sendChange: (c, signal) => guard(() => sendChange(c, signal)) } : {}),
  };
}
