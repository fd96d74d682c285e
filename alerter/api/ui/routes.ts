/**
 * The web UI's routes: server-rendered pages that read like the JSON API does (the token only
 * where reads need it: the login form turns it into a session cookie) and write only through the
 * JSON API's token-guarded endpoints.
 *
 *   GET /alerts             the list (filter ?match=, ?group=host|service|rule)
 *   GET /alerts/:key        the incident page
 *   GET /silences[?all=1]   silences, with forms to add and expire
 *   GET /ui/app.js          the one script
 *   GET /favicon.ico        nothing (204), so the browser logs no error
 *   GET|POST /login, POST /logout   the session cookie (login.ts)
 */
import { RawResponse, type Route } from '../http';
import { alertsListPage } from './alerts-list';
import { APP_JS } from './app-js';
import type { UiDeps } from './deps';
import { incidentPage } from './incident';
import { loginRoutes } from './login';
import { silencesPage } from './silences-page';

export type { UiDeps } from './deps';

export function uiRoutes(deps: UiDeps): Route[] {
  return [
    {
      method: 'GET',
      path: /^\/$/,
      write: false,
      page: true,
      handle: (_r, _p, url) => alertsListPage(deps, url),
    },
    {
      method: 'GET',
      path: /^\/alerts$/,
      write: false,
      page: true,
      handle: (_r, _p, url) => alertsListPage(deps, url),
    },
    {
      method: 'GET',
      path: /^\/alerts\/([^/]+)$/,
      write: false,
      page: true,
      handle: (_r, [key]) => incidentPage(deps, key!),
    },
    {
      method: 'GET',
      path: /^\/silences$/,
      write: false,
      page: true,
      handle: (_r, _p, url) => silencesPage(deps, url),
    },
    {
      method: 'GET',
      path: /^\/ui\/app\.js$/,
      write: false,
      handle: () => new RawResponse(200, 'text/javascript; charset=utf-8', APP_JS),
    },
    // Every page load asks for it; a 404 showed as an error in the browser's console.
    {
      method: 'GET',
      path: /^\/favicon\.ico$/,
      write: false,
      handle: () => new RawResponse(204, 'image/x-icon', ''),
    },
    // Session times are wall-clock times, whatever clock the pages are given.
    ...loginRoutes({ token: deps.token, now: () => Date.now() }),
  ];
}
