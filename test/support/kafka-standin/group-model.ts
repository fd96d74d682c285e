/** TEST DOUBLE ONLY: the state of one consumer group in the Kafka stand-in's coordinator (group.ts). */

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable';

export interface JoinResult {
  error: number;
  generation: number;
  protocol: string;
  leader: string;
  memberId: string;
  members: Array<{ id: string; metadata: Buffer }>;
}

export interface Member {
  id: string;
  clientId: string;
  clientHost: string;
  sessionTimeout: number;
  rebalanceTimeout: number;
  protocols: Array<{ name: string; metadata: Buffer }>;
  assignment: Buffer;
  lastSeen: number;
  joinWaiter?: (r: JoinResult) => void;
  syncWaiter?: (r: { error: number; assignment: Buffer }) => void;
}

export class Group {
  state: GroupState = 'Empty';
  generation = 0;
  protocolType = '';
  protocol = '';
  leader = '';
  readonly members = new Map<string, Member>();
  rebalanceTimer?: NodeJS.Timeout;
  constructor(readonly id: string) {}
}

export interface JoinRequest {
  groupId: string;
  memberId: string;
  clientId: string;
  clientHost: string;
  sessionTimeout: number;
  rebalanceTimeout: number;
  protocolType: string;
  protocols: Array<{ name: string; metadata: Buffer }>;
}
