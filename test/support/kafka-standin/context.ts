/** TEST DOUBLE ONLY: what every API handler of the Kafka stand-in is given (see handlers.ts). */
import type { Reader, Writer } from './codec';
import type { GroupCoordinator } from './group';
import type { TopicStore } from './log';

export interface BrokerContext {
  store: TopicStore;
  groups: GroupCoordinator;
  nodeId: number;
  host: string;
  port: number;
  defaultPartitions: number;
  allowCreateTopics: boolean;
  autoCreateTopics: boolean;
  clientId: string;
  clientHost: string;
  /** Aborted when the connection closes or the broker stops: ends a long-polling Fetch. */
  signal: AbortSignal;
  nextProducerId(): bigint;
}

export type Handler = (
  r: Reader,
  ctx: BrokerContext,
  version: number,
) => Promise<Writer | null> | Writer | null;
