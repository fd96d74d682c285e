export {
  createKafkaHandoff,
  adoptionTransitions,
  type AdoptedAlert,
  type KafkaHandoffOptions,
  type HandedState,
  type StateStoreTopic,
} from './handoff';
