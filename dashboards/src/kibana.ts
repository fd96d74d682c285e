/**
 * Kibana saved objects (NDJSON, for Stack Management > Saved objects > Import): a data view
 * over the collector's log documents and a saved Discover search of a container's logs.
 * The alerter's Discover links name the same data view id (catalog KIBANA).
 */
import { KIBANA } from '../catalog';

export function kibanaSavedObjects(): string {
  const dataView = {
    type: 'index-pattern',
    id: KIBANA.dataViewId,
    attributes: { title: KIBANA.indexPattern, name: 'lookout logs', timeFieldName: KIBANA.timeField },
    references: [],
    coreMigrationVersion: '8.8.0',
    typeMigrationVersion: '8.0.0',
  };
  const search = {
    type: 'search',
    id: 'lookout-container-logs',
    attributes: {
      title: 'lookout: container logs',
      description:
        'Logs of one container: set the query to container.name:"<name>" (pages link here with it filled in).',
      columns: [KIBANA.hostField, KIBANA.containerField, 'stream', 'log.level', 'message'],
      sort: [[KIBANA.timeField, 'desc']],
      grid: {},
      hideChart: false,
      kibanaSavedObjectMeta: {
        searchSourceJSON: JSON.stringify({
          query: { query: `${KIBANA.containerField}:*`, language: 'kuery' },
          filter: [],
          indexRefName: 'kibanaSavedObjectMeta.searchSourceJSON.index',
        }),
      },
    },
    references: [
      { name: 'kibanaSavedObjectMeta.searchSourceJSON.index', type: 'index-pattern', id: KIBANA.dataViewId },
    ],
    coreMigrationVersion: '8.8.0',
    typeMigrationVersion: '8.0.0',
  };
  return `${[dataView, search].map((o) => JSON.stringify(o)).join('\n')}\n`;
}
