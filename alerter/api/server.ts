/**
 * The alerter's HTTP API: silences, acknowledgements, the alerts notify holds and their
 * decision logs. Loopback by default; every write needs `Authorization: Bearer <token>` and
 * with no token configured writes are refused outright. Reads are open on loopback and need the
 * token on a listener other hosts can reach (access.ts says why; `reads` overrides).
 *
 *   GET    /healthz
 *   GET    /api/v1/alerts                      GET /api/v1/alerts/:key/decisions
 *   GET    /api/v1/alerts/pending              (the engine's pending alerts: notify only sees firing ones)
 *   GET    /api/v1/receivers                   (each receiver's last delivery and last failed attempt)
 *   POST   /api/v1/alerts/:key/ack             {by?, comment?}
 *   GET    /api/v1/silences[?all=1]            POST /api/v1/silences {matchers, for|ends_at, comment, created_by?}
 *   DELETE /api/v1/silences/:id
 *   GET    /alerts, /alerts/:key, /silences   the web UI (ui/routes.ts)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../core/clock';
import type { Secret } from '../../core/config/types';
import type { Logger } from '../../core/logger';
import type { StateStore } from '../../core/store/store';
import type { FleetWrites } from '../notify/fleet';
import { migrateNotify } from '../notify/tables';
import { readsNeedToken } from './access';
import { routeRequest } from './http';
import { apiRoutes } from './routes';
import { uiRoutes } from './ui/routes';
import type { LinksConfig } from '../links';

export interface ApiConfig {
  listen: { host: string; port: number };
  token?: Secret;
  reads?: 'open' | 'token';
}

export interface AlerterApi {
  address(): { host: string; port: number };
  close(): Promise<void>;
}

export async function startAlerterApi(deps: {
  store: StateStore;
  clock: Clock;
  logger: Logger;
  config: ApiConfig;
  /** A fleet's replica shares each silence and ack written here with the others. */
  fleet?: FleetWrites;
  /** For the incident page's graph and links. */
  links?: LinksConfig;
}): Promise<AlerterApi> {
  const { store, clock, config } = deps;
  const log = deps.logger.child({ component: 'alerter-api' });
  migrateNotify(store);
  const routes = [
    ...apiRoutes(store, clock, deps.fleet),
    ...uiRoutes({ store, clock, links: deps.links, token: config.token }),
  ];
  const server = http.createServer(routeRequest(routes, config.token, log, readsNeedToken(config)));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.listen.port, config.listen.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  log.info(
    {
      host: addr.address,
      port: addr.port,
      writes: config.token ? 'token' : 'disabled',
      reads: readsNeedToken(config) ? 'token' : 'open',
    },
    'alerter API listening',
  );
  return {
    address: () => ({ host: addr.address, port: addr.port }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
