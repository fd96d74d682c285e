/**
 * A limit on wrong tokens at POST /login, per client address: MAX_FAILURES in WINDOW_MS, then
 * 429 with Retry-After until the window that began with the first failure ends. Only failures
 * count; a login with the right token is never counted. While an address is over the limit,
 * every login from it waits, the right token included: answering a right guess differently
 * from a wrong one would tell a guesser exactly what the limit is there to hide.
 *
 * The table is bounded (MAX_ADDRESSES): when full, lapsed entries go, then the oldest. A guesser
 * with that many addresses gets that many budgets however the table is kept.
 */

export const MAX_FAILURES = 10;
export const WINDOW_MS = 60_000;
export const MAX_ADDRESSES = 10_000;

interface Entry {
  /** When this address's first failure of the current window was. */
  since: number;
  failures: number;
}

export interface LoginLimit {
  /** Seconds to wait before trying again, or 0 when this address may try now. */
  retryAfter(address: string | undefined): number;
  /** A wrong token from this address. */
  failed(address: string | undefined): void;
  /** Addresses tracked now (for tests: the table stays bounded). */
  size(): number;
}

/**
 * One key per client: an IPv4 address (also when the socket shows it IPv4-mapped), or an IPv6
 * /64, the block one subscriber gets, so walking a /64's addresses buys no extra guesses.
 */
export function clientKey(address: string | undefined): string {
  const a = (address ?? 'unknown').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '').replace(/%.*$/, '');
  if (!a.includes(':')) return a;
  const [head = '', tail] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0');
  const groups = [...h, ...zeros, ...t].slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
  return `${groups.join(':')}::/64`;
}

export function createLoginLimit(now: () => number, max = MAX_ADDRESSES): LoginLimit {
  const table = new Map<string, Entry>();
  const live = (e: Entry | undefined, t: number): e is Entry => !!e && t - e.since < WINDOW_MS;

  const makeRoom = (t: number): void => {
    for (const [k, e] of table) if (!live(e, t)) table.delete(k);
    // Still full: the oldest entries go (a Map iterates in insertion order).
    for (const k of table.keys()) {
      if (table.size < max) break;
      table.delete(k);
    }
  };

  return {
    retryAfter(address) {
      const t = now();
      const e = table.get(clientKey(address));
      if (!live(e, t) || e.failures < MAX_FAILURES) return 0;
      return Math.max(1, Math.ceil((e.since + WINDOW_MS - t) / 1000));
    },
    failed(address) {
      const t = now();
      const key = clientKey(address);
      const e = table.get(key);
      if (live(e, t)) {
        e.failures++;
        return;
      }
      table.delete(key);
      if (table.size >= max) makeRoom(t);
      table.set(key, { since: t, failures: 1 });
    },
    size: () => table.size,
  };
}
