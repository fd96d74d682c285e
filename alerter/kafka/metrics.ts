import { Counter } from 'prom-client';

/** The alerter's hand-off of alert states between fleet replicas (prom-client default registry). */
export const handoffMetrics = {
  published: new Counter({
    name: 'lookout_alerter_handoff_states_written_total',
    help: 'alert states written to the state topic (tombstones included)',
  }),
  adopted: new Counter({
    name: 'lookout_alerter_handoff_states_adopted_total',
    help: 'alert states taken over from the state topic on partition assignment',
  }),
  released: new Counter({
    name: 'lookout_alerter_handoff_groups_released_total',
    help: 'groups forgotten because their partition moved to another replica',
  }),
  handoverTimeouts: new Counter({
    name: 'lookout_alerter_handoff_release_timeouts_total',
    help: 'assignments adopted without the last owner releasing the partitions (it died, or is stuck)',
  }),
};
