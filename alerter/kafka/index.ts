export { createKafkaHandoff, type KafkaHandoffOptions, type HandedState, type StateStoreTopic } from './handoff';
