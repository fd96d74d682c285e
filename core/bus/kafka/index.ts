export { KafkaBus, type KafkaBusDeps, type KafkaSubscribeOptions, type KafkaBatchHandler } from './bus';
export { kafkaBusSchema, type KafkaBusConfig } from './config';
export type { AssignmentHooks, BatchContext } from './consumer';
export { StateTopic, type StateEntry } from './state-topic';
export { KafkaTopicsError } from './admin';
export { eventKey, partitionFor, topicNames, type TopicNames } from './topics';
