import { noteKey } from '../alerter/kafka';
import { addSilence, expireSilence, listSilences, parseMatcher, type Silence } from '../alerter/notify';
import { systemClock } from '../core/clock';
import { parseDuration } from '../core/duration';
import { LookoutError } from '../core/errors';
import { createLogger } from '../core/logger';
import { StateStore } from '../core/store/store';
import { withSecretsResolvedWhenUsed } from '../core/config/types';
import { readConfig, type LookoutConfig } from './config';
import { UsageError } from './usage/usage-error';

/**
 * `lookout silence add|list|expire`, working on the state store of the alerter on this host
 * (the HTTP API does the same for remote callers, behind its bearer token). With `bus.type:
 * kafka` in the config (a fleet's replica), an added or expired silence is also put on the
 * fleet's notes topic, so every replica applies it (alerter/kafka/fleet-notes.ts, issue 17).
 */
function withStore<T>(configFile: string | undefined, fn: (store: StateStore, cfg: LookoutConfig) => T): T {
  // The store needs no secret; a fleet's Kafka password is looked up when the bus connects.
  const cfg = withSecretsResolvedWhenUsed(() => readConfig(configFile));
  const store = StateStore.open(cfg.state.path);
  try {
    return fn(store, cfg);
  } finally {
    store.close();
  }
}

/** Tells the fleet of a silence written here; says so in the command's answer. */
async function share(cfg: LookoutConfig, s: Silence): Promise<string> {
  if (cfg.bus.type !== 'kafka') return line(s);
  // Loaded only here: a command that does not use Kafka does not load kafkajs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { KafkaBus } = require('../core/bus/kafka') as typeof import('../core/bus/kafka');
  const bus = new KafkaBus(cfg.bus.kafka, { logger: createLogger({ level: 'error' }) });
  try {
    await bus.notesTopic().put(noteKey.silence(s.id), s);
  } finally {
    await bus.close();
  }
  return `${line(s)}  (shared with the fleet)`;
}

const line = (s: Silence) =>
  `${s.id}  until ${new Date(s.endsAt).toISOString()}  ${s.matchers.map((m) => `${m.name}${m.op}${m.value}`).join(',')}  "${s.comment}" by ${s.createdBy}`;

export function silenceAdd(opts: {
  config?: string;
  match: string[];
  for: string;
  comment: string;
  by?: string;
}): Promise<string> {
  checkSilenceFlags(opts);
  return withStore(opts.config, (store, cfg) => {
    const input = {
      matchers: opts.match,
      for: opts.for,
      comment: opts.comment,
      createdBy: opts.by ?? process.env.USER ?? 'cli',
    };
    let s: Silence;
    try {
      s = addSilence(store, input, systemClock);
    } catch (err) {
      // What addSilence refuses (no matcher, one that matches everything, no comment) is input.
      if (err instanceof LookoutError) throw new UsageError(err.message);
      throw err;
    }
    return share(cfg, s);
  });
}

/** A bad --for or --match is the caller's to fix (exit 2), named by its flag. */
function checkSilenceFlags(opts: { match: string[]; for: string }): void {
  const ms = parseDuration(opts.for);
  if (ms === undefined || ms <= 0)
    throw new UsageError(`--for "${opts.for}" is not a duration (use e.g. 30m, 2h)`);
  for (const m of opts.match) {
    try {
      parseMatcher(m);
    } catch (err) {
      throw new UsageError(`--match ${(err as Error).message}`);
    }
  }
}

export function silenceList(opts: { config?: string; all?: boolean }): string {
  return withStore(
    opts.config,
    (store) =>
      listSilences(store, systemClock, { all: opts.all }).map(line).join('\n') || 'no active silences',
  );
}

export async function silenceExpire(opts: { config?: string; id: string }): Promise<string> {
  const told = withStore(opts.config, (store, cfg) => share(cfg, expireSilence(store, opts.id, systemClock)));
  return `expired ${await told}`;
}
