/**
 * The foundation SDK has no Graphite query type; a target is small enough to build here:
 * `{refId, target, datasource}` is what Grafana's Graphite data source reads.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { DATASOURCE } from '../catalog';

export interface GraphiteQuery extends cog.Dataquery {
  refId: string;
  target: string;
  datasource: { type: string; uid: string };
}

export class GraphiteQueryBuilder implements cog.Builder<cog.Dataquery> {
  constructor(
    private readonly target: string,
    private readonly refId = 'A',
  ) {}
  build(): GraphiteQuery {
    return {
      refId: this.refId,
      target: this.target,
      datasource: { ...DATASOURCE },
      _implementsDataqueryVariant() {},
    };
  }
}

/** A Graphite annotation query over graphite-web events with these tags. */
export class GraphiteEventsTargetBuilder implements cog.Builder<cog.Dataquery> {
  constructor(private readonly tags: string[]) {}
  build(): cog.Dataquery {
    return {
      fromAnnotations: true,
      tags: this.tags,
      textEditor: false,
      refId: 'Anno',
      _implementsDataqueryVariant() {},
    } as cog.Dataquery;
  }
}
