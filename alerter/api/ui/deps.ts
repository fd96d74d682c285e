import type { Clock } from '../../../core/clock';
import type { Secret } from '../../../core/config/types';
import type { StateStore } from '../../../core/store/store';
import type { LinksConfig } from '../../links';

/** What the UI's pages read: notify's store, the clock, and where links and runbooks point. */
export interface UiDeps {
  store: StateStore;
  clock: Clock;
  /** The links config notify pages with: graphite-web for the graph, Grafana and Kibana links. */
  links?: LinksConfig;
  /** Folder of runbook markdown files named by rules' `runbook:`; default: the package's docs/runbooks. */
  runbookDir?: string;
  /** The API token the login form exchanges for a session cookie; without one there is no login. */
  token?: Secret;
}
