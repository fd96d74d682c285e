import type { Clock } from '../../core/clock';
import type { StateStore } from '../../core/store/store';
import { AlertStore } from '../engine/persist';
import { explain, recordDecision } from '../notify/decisions';
import { addSilence, expireSilence, listSilences } from '../notify/silence';
import { ackAlert, listAlertsForApi } from '../notify/store/alerts';
import { receiverOutcomes } from '../notify/store/decisions';
import { HttpError, readJson, type Route } from './http';

/** The API's endpoints (listed in server.ts's header); notify's tables are read through its store. */
export function apiRoutes(store: StateStore, clock: Clock): Route[] {
  return [
    { method: 'GET', path: /^\/healthz$/, write: false, handle: () => ({ status: 'ok' }) },
    { method: 'GET', path: /^\/api\/v1\/alerts$/, write: false, handle: () => listAlerts(store) },
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
      handle: async (req, [key]) => ack(store, clock, key!, await readJson(req)),
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
      handle: async (req) => silence(store, clock, await readJson(req)),
    },
    {
      method: 'DELETE',
      path: /^\/api\/v1\/silences\/([^/]+)$/,
      write: true,
      handle: (_r, [id]) => expireSilence(store, id!, clock),
    },
  ];
}

function listAlerts(store: StateStore): unknown[] {
  return listAlertsForApi(store);
}

function ack(store: StateStore, clock: Clock, key: string, body: Record<string, unknown>): { acked: string } {
  const by = typeof body.by === 'string' ? body.by : 'api';
  const comment = typeof body.comment === 'string' ? body.comment : '';
  store.tx(() => {
    ackAlert(store, key, by, clock.now(), comment);
    recordDecision(store, key, clock.now(), 'acked', { by, comment });
  });
  return { acked: key };
}

function silence(store: StateStore, clock: Clock, b: Record<string, unknown>): unknown {
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
