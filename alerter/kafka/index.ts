export {
  createKafkaHandoff,
  type AdoptedAlert,
  type KafkaHandoff,
  type KafkaHandoffOptions,
  type HandedState,
  type HandedTold,
  type StateStoreTopic,
} from './handoff';
export { createFleetNotes, noteKey, type FleetNotes, type NotesTopicLike } from './fleet-notes';
export { FleetAlertView, shareOwnAlerts } from './fleet-alerts';
export { replicaIdentity } from './replica-id';
