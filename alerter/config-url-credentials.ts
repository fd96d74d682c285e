import type { z } from 'zod';

/*
 * A URL with a user or password in it (https://user:pass@hooks.example.net/...) in the notify
 * section. fetch refuses to send such a URL, and its error quotes the URL whole, so a webhook or
 * coordinator configured this way never delivered and put the password in every retry's log
 * line, the decision log, the incident page and `lookout status`. Refused at load instead.
 */

const URL_KEY = /(^|_)url$/;

function hasCredentials(text: string): boolean {
  try {
    const u = new URL(text);
    return u.username !== '' || u.password !== '';
  } catch {
    return false;
  }
}

/** Paths (under `notify`) of every `url` / `*_url` string that carries credentials. */
export function urlsWithCredentials(
  value: unknown,
  path: Array<string | number> = [],
): Array<Array<string | number>> {
  if (Array.isArray(value)) return value.flatMap((v, i) => urlsWithCredentials(v, [...path, i]));
  if (typeof value !== 'object' || value === null) return [];
  const out: Array<Array<string | number>> = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string' && URL_KEY.test(key) && hasCredentials(v)) out.push([...path, key]);
    else out.push(...urlsWithCredentials(v, [...path, key]));
  }
  return out;
}

/** For the whole config's superRefine: one located issue per such URL. */
export function refuseUrlCredentials(notify: unknown, ctx: z.RefinementCtx): void {
  for (const path of urlsWithCredentials(notify, ['notify'])) {
    ctx.addIssue({
      code: 'custom',
      path,
      message:
        'a URL with a user or password cannot be sent (fetch refuses it) and would be logged; ' +
        'drop the user:password part (a webhook can sign its body with `secret:` instead)',
    });
  }
}
