/**
 * Grafana dashboards as code, drawn from the catalog: one time-series panel per catalog
 * panel, Graphite query variables for $host / $container / $service, and deploy markers from
 * graphite-web events.
 */
import {
  DashboardBuilder,
  QueryVariableBuilder,
  TextBoxVariableBuilder,
  AnnotationQueryBuilder,
  VariableRefresh,
  VariableSort,
  DashboardCursorSync,
  type Dashboard,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import {
  VizLegendOptionsBuilder,
  LegendDisplayMode,
  LegendPlacement,
} from '@grafana/grafana-foundation-sdk/common';
import {
  DATASOURCE,
  DEPLOY_EVENT_TAG,
  panelSegments,
  seriesTarget,
  VARS,
  type DashboardDef,
  type GraphiteScheme,
} from '../catalog';
import { GraphiteEventsTargetBuilder, GraphiteQueryBuilder } from './graphite';

function variable(name: (typeof VARS)[keyof typeof VARS], scheme: GraphiteScheme) {
  const root = scheme.via === 'statsd' ? `stats.gauges.${scheme.prefix}` : scheme.prefix;
  if (name === VARS.service)
    return new TextBoxVariableBuilder(name).label('Service (container name contains)').defaultValue('web');
  const query = name === VARS.host ? `${root}.*` : `${root}.$${VARS.host}.*`;
  return (
    new QueryVariableBuilder(name)
      .label(name === VARS.host ? 'Host' : 'Container')
      .datasource({ ...DATASOURCE })
      .query(query)
      .definition(query)
      .refresh(VariableRefresh.OnTimeRangeChanged)
      .sort(VariableSort.AlphabeticalAsc)
      // Host-scope metrics live under their own segments (the host's, its mounts' and interfaces'):
      // none is a container (Docker names start with a letter or digit, these with `_`).
      .regex(name === VARS.container ? `/^(?!${scheme.hostSegment}$|_fs|_net_).*/` : '')
  );
}

export function buildDashboard(def: DashboardDef, scheme: GraphiteScheme): Dashboard {
  const b = new DashboardBuilder(def.title)
    .uid(def.uid)
    .tags(['lookout', 'docker'])
    .time({ from: 'now-3h', to: 'now' })
    .refresh('30s')
    .tooltip(DashboardCursorSync.Crosshair)
    .timezone('browser')
    .annotation(
      new AnnotationQueryBuilder()
        .name('Deploys')
        .datasource({ ...DATASOURCE })
        .enable(true)
        .iconColor('rgba(255, 96, 96, 1)')
        .target(
          new GraphiteEventsTargetBuilder([
            DEPLOY_EVENT_TAG,
            ...(def.vars.includes('service') ? [`$${VARS.service}`] : []),
          ]),
        ),
    );
  for (const v of def.vars) b.withVariable(variable(v, scheme));
  for (const p of def.panels) {
    const { host, container } = panelSegments(def, p, scheme);
    b.withPanel(
      new TimeseriesBuilder()
        .title(p.title)
        .description(`${p.metric}: ${seriesTarget(scheme, host, container, p.metric)}`)
        .datasource({ ...DATASOURCE })
        .withTarget(new GraphiteQueryBuilder(seriesTarget(scheme, host, container, p.metric)))
        .unit(p.unit)
        .height(8)
        .span(12)
        .legend(
          new VizLegendOptionsBuilder()
            .showLegend(true)
            .displayMode(LegendDisplayMode.List)
            .placement(LegendPlacement.Bottom),
        ),
    );
  }
  return b.build();
}
