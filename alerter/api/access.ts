/**
 * Who may read the alerter API (issue 17). Writes always need the bearer token. Reads (alerts,
 * decision logs, silences) are open on a loopback listener, the default: only processes on the
 * alerter's own host reach it, and they can read the state store file anyway. A listener other
 * hosts can reach must have a token, and then reads need it too unless `reads: open` says the
 * network in front is trusted. /healthz stays open for Docker's HEALTHCHECK and load balancers.
 */
import { z } from 'zod';
import type { Secret } from '../../core/config/types';

/** 127.0.0.0/8, ::1 and localhost: addresses no other host can connect to. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::ffff:127.0.0.1';
}

export const readsSchema = z
  .enum(['open', 'token'])
  .optional()
  .describe('open: anyone who reaches the listener reads; token: reads need the bearer token too');

/** Whether reads need the token: as configured, else only on a listener beyond loopback. */
export function readsNeedToken(api: { listen: { host: string }; reads?: 'open' | 'token' }): boolean {
  return (api.reads ?? (isLoopback(api.listen.host) ? 'open' : 'token')) === 'token';
}

/** The error for an API config that would leave the alerter open to other hosts, or undefined. */
export function apiAccessProblem(api: {
  enabled: boolean;
  listen: { host: string; port: number };
  token?: Secret;
  reads?: 'open' | 'token';
}): { path: string[]; message: string } | undefined {
  if (!api.enabled) return undefined;
  if (!isLoopback(api.listen.host) && !api.token)
    return {
      path: ['listen'],
      message:
        `the API would listen on ${api.listen.host}, which other hosts can reach, with no token: ` +
        'set api.token (reads and writes then need it) or listen on 127.0.0.1',
    };
  if (api.reads === 'token' && !api.token)
    return { path: ['reads'], message: 'reads: token needs api.token to be set' };
  return undefined;
}
