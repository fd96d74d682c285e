import type { Clock } from '../../core/clock';
import type { StateStore } from '../../core/store/store';
import { AlertStore } from '../engine/persist';
import { explain, recordDecision } from '../notify/decisions';
import type { Ack, FleetWrites } from '../notify/fleet';
import { addSilence, expireSilence, listSilences, type Silence } from '../notify/silence';
import { ackAlert, listAlertsForApi } from '../notify/store/alerts';
import { receiverOutcomes } from '../notify/store/decisions';
import { closest } from '../rules/hint';
import { HttpError, readJson, type Route } from './http';

/**
 * The API's endpoints (listed in server.ts's header); notify's tables are read through its store.
 * In a fleet, `fleet` tells every replica of each silence and ack written here.
 */
export function apiRoutes(store: StateStore, clock: Clock, fleet?: FleetWrites): Route[] {
  const share = shareWith(fleet);
  return [
    { method: 'GET', path: /^\/healthz$/, write: false, public: true, handle: () => ({ status: 'ok' }) },
    { method: 'GET', path: /^\/api\/v1\/alerts$/, write: false, handle: () => listAlerts(store, fleet) },
    {
      method: 'GET',
      path: /^\/api\/v1\/alerts\/pending$/,
      write: false,
      handle: () => new AlertStore(store).pending(),
    },
    {
      method: 'GET',
      path: /^\/api\/v1\/receivers$/,
      write: false,
      handle: () => receiverOutcomes(store),
    },
    {
      method: 'GET',
      path: /^\/api\/v1\/alerts\/([^/]+)\/decisions$/,
      write: false,
      handle: (_r, [key]) => explain(store, key!),
    },
    {
      method: 'POST',
      path: /^\/api\/v1\/alerts\/([^/]+)\/ack$/,
      write: true,
      handle: async (req, [key]) => share.ack(ack(store, clock, key!, await readJson(req))),
    },
    {
      method: 'GET',
      path: /^\/api\/v1\/silences$/,
      write: false,
      handle: (_r, _p, url) => listSilences(store, clock, { all: url.searchParams.has('all') }),
    },
    {
      method: 'POST',
      path: /^\/api\/v1\/silences$/,
      write: true,
      handle: async (req) => share.silence(silence(store, clock, await readJson(req))),
    },
    {
      method: 'DELETE',
      path: /^\/api\/v1\/silences\/([^/]+)$/,
      write: true,
      handle: (_r, [id]) => share.silence(expireSilence(store, id!, clock)),
    },
  ];
}

/** This replica's alerts, and in a fleet those the other replicas own (issue 18: any replica answers). */
function listAlerts(store: StateStore, fleet?: FleetWrites): unknown[] {
  const own = listAlertsForApi(store);
  if (!fleet?.othersAlerts) return own;
  return [...own, ...fleet.othersAlerts(own)].sort((a, b) => a.key.localeCompare(b.key));
}

/**
 * Tells the fleet, once the write is in this replica's store. When the fleet cannot be told the
 * caller learns it (503): the write holds here only. Repeating an ack or an expiry shares it;
 * repeating an add makes a second silence (this replica then holds two, the fleet one).
 */
function shareWith(fleet: FleetWrites | undefined) {
  const told = async <T>(what: T, tell: () => Promise<void>): Promise<T> => {
    try {
      await tell();
      return what;
    } catch (err) {
      throw new HttpError(
        503,
        `saved on this replica only, the fleet was not told: ${(err as Error).message}`,
      );
    }
  };
  return {
    silence: (s: Silence) => (fleet ? told(s, () => fleet.silenced(s)) : s),
    ack: (a: { key: string; ack: Ack }) =>
      fleet ? told({ acked: a.key }, () => fleet.acked(a.key, a.ack)) : { acked: a.key },
  };
}

function ack(
  store: StateStore,
  clock: Clock,
  key: string,
  body: Record<string, unknown>,
): { key: string; ack: Ack } {
  refuseUnknownKeys(body, ACK_KEYS);
  const by = typeof body.by === 'string' ? body.by : 'api';
  const comment = typeof body.comment === 'string' ? body.comment : '';
  const at = clock.now();
  store.tx(() => {
    ackAlert(store, key, by, at, comment);
    recordDecision(store, key, at, 'acked', { by, comment });
  });
  return { key, ack: { by, at, comment } };
}

/**
 * A key the body should not have is refused, not skipped: `createdBy` for `created_by` was
 * dropped without a word and the silence was filed as made by "api".
 */
function refuseUnknownKeys(b: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(b).filter((k) => !allowed.includes(k));
  if (unknown.length === 0) return;
  const named = unknown.map((k) => {
    const near = closest(k, allowed);
    return `"${k}"${near ? ` (did you mean "${near}"?)` : ''}`;
  });
  throw new HttpError(400, `unknown key ${named.join(', ')}; allowed: ${allowed.join(', ')}`);
}

const SILENCE_KEYS = ['matchers', 'for', 'ends_at', 'comment', 'created_by'] as const;
const ACK_KEYS = ['by', 'comment'] as const;

function silence(store: StateStore, clock: Clock, b: Record<string, unknown>): Silence {
  refuseUnknownKeys(b, SILENCE_KEYS);
  if (!Array.isArray(b.matchers)) throw new HttpError(400, 'matchers must be a list such as ["service=web"]');
  return addSilence(
    store,
    {
      matchers: b.matchers as string[],
      for: b.for as string | undefined,
      endsAt: typeof b.ends_at === 'number' ? b.ends_at : undefined,
      comment: typeof b.comment === 'string' ? b.comment : '',
      createdBy: typeof b.created_by === 'string' ? b.created_by : 'api',
    },
    clock,
  );
}
