import { Counter, Gauge } from 'prom-client';

/** Self-metrics of the Kafka bus, on the default registry that /metrics exposes. */
export const kafkaMetrics = {
  published: new Counter({
    name: 'lookout_kafka_published_events_total',
    help: 'Events handed to the Kafka producer',
    labelNames: ['topic'],
  }),
  acked: new Counter({
    name: 'lookout_kafka_acked_events_total',
    help: 'Events Kafka acknowledged',
    labelNames: ['topic'],
  }),
  failed: new Counter({
    name: 'lookout_kafka_failed_events_total',
    help: 'Events whose delivery failed after every retry (done rejected)',
    labelNames: ['topic'],
  }),
  buffered: new Gauge({
    name: 'lookout_kafka_buffered_events',
    help: 'Events published and not yet acknowledged by Kafka',
  }),
  sendRetries: new Counter({
    name: 'lookout_kafka_send_retries_total',
    help: 'Produce requests tried again after a retriable error',
  }),
  consumed: new Counter({
    name: 'lookout_kafka_consumed_events_total',
    help: 'Events handed to a subscriber',
    labelNames: ['group', 'topic'],
  }),
  undecodable: new Counter({
    name: 'lookout_kafka_undecodable_messages_total',
    help: 'Messages, or events within a message, skipped because they are not events of the topic',
    labelNames: ['topic'],
  }),
  handlerErrors: new Counter({
    name: 'lookout_kafka_handler_errors_total',
    help: 'Batches whose handler threw (they are fetched again)',
    labelNames: ['group'],
  }),
  commits: new Counter({
    name: 'lookout_kafka_commits_total',
    help: 'Offset commits after handled batches',
    labelNames: ['group'],
  }),
  rebalances: new Counter({
    name: 'lookout_kafka_rebalances_total',
    help: 'Group joins (each rebalance ends in one)',
    labelNames: ['group'],
  }),
  assigned: new Gauge({
    name: 'lookout_kafka_assigned_partitions',
    help: 'Topic-partitions this process consumes',
    labelNames: ['group'],
  }),
  lag: new Gauge({
    name: 'lookout_kafka_consumer_lag',
    help: 'Messages behind the high watermark at the last batch',
    labelNames: ['group', 'topic', 'partition'],
  }),
  stateWrites: new Counter({
    name: 'lookout_kafka_state_writes_total',
    help: 'Alert states written to the compacted state topic',
  }),
  stateLoads: new Counter({
    name: 'lookout_kafka_state_loaded_total',
    help: 'Alert states restored from the state topic',
  }),
  stateRecordsRead: new Counter({
    name: 'lookout_kafka_state_records_read_total',
    help: 'Records read from the state topic by loads (a load that reads on counts each record once)',
  }),
};
