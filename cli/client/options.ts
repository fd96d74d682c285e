import { Option, type Command } from 'commander';
import { parseDuration } from '../../core/duration';
import { LookoutError } from '../../core/errors';
import { readToken, type Endpoint } from './http';

/** The options every command that asks a running lookout shares: where, with what token, how long. */
export function addApiOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--api <url>', "the alerter API (any replica's)")
        .env('LOOKOUT_API_URL')
        .default('http://127.0.0.1:9465'),
    )
    .option('--token-file <file>', 'file holding the API bearer token (else env LOOKOUT_API_TOKEN)')
    .option('--timeout <duration>', 'how long to wait for an answer', '5s');
}

export interface ApiOptions {
  api: string;
  tokenFile?: string;
  timeout: string;
}

export function durationFlag(flag: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new LookoutError(`${flag} "${text}" is not a duration (e.g. 30s, 5m, 1h)`);
  return ms;
}

export function apiEndpoint(opts: ApiOptions): Endpoint {
  return {
    url: opts.api,
    token: readToken(opts.tokenFile),
    timeoutMs: durationFlag('--timeout', opts.timeout),
  };
}
