import { addSilence, expireSilence, listSilences, type Silence } from '../alerter/notify';
import { systemClock } from '../core/clock';
import { StateStore } from '../core/store/store';
import { readConfig } from './config';

/**
 * `lookout silence add|list|expire`, working on the state store of the alerter on this host
 * (the HTTP API does the same for remote callers, behind its bearer token).
 */
function withStore<T>(configFile: string | undefined, fn: (store: StateStore) => T): T {
  const cfg = readConfig(configFile);
  const store = StateStore.open(cfg.state.path);
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

const line = (s: Silence) =>
  `${s.id}  until ${new Date(s.endsAt).toISOString()}  ${s.matchers.map((m) => `${m.name}${m.op}${m.value}`).join(',')}  "${s.comment}" by ${s.createdBy}`;

export function silenceAdd(opts: {
  config?: string;
  match: string[];
  for: string;
  comment: string;
  by?: string;
}): string {
  return withStore(opts.config, (store) =>
    line(
      addSilence(
        store,
        {
          matchers: opts.match,
          for: opts.for,
          comment: opts.comment,
          createdBy: opts.by ?? process.env.USER ?? 'cli',
        },
        systemClock,
      ),
    ),
  );
}

export function silenceList(opts: { config?: string; all?: boolean }): string {
  return withStore(
    opts.config,
    (store) =>
      listSilences(store, systemClock, { all: opts.all }).map(line).join('\n') || 'no active silences',
  );
}

export function silenceExpire(opts: { config?: string; id: string }): string {
  return withStore(opts.config, (store) => `expired ${line(expireSilence(store, opts.id, systemClock))}`);
}
