/**
 * A fleet's shared silences and acks, as notify sees them. The API of any replica writes here
 * first, then tells the fleet (FleetWrites, given by alerter/kafka/fleet-notes.ts); every
 * replica applies what the fleet was told (applySilence, applyAck) to its own store, so the
 * dispatcher of whichever replica owns an alert finds the silence or the ack. Issue 17.
 */
import { z } from 'zod';
import type { StateStore } from '../../core/store/store';
import type { Silence } from './silence';
import { ackAlert, type listAlertsForApi } from './store/alerts';
import { upsertSilence } from './store/silences';
import { migrateNotify } from './store/tables';

export interface Ack {
  by: string;
  at: number;
  comment: string;
}

/** Tells every replica of the fleet about a write this replica's API made; rejects when it could not. */
export interface FleetWrites {
  silenced(s: Silence): Promise<void>;
  acked(key: string, ack: Ack): Promise<void>;
  /** The API rows of alerts other replicas own (alerter/kafka/fleet-alerts.ts), beside this one's `own`. */
  othersAlerts?(own: readonly FleetAlertRow[]): FleetAlertRow[];
}

export type FleetAlertRow = ReturnType<typeof listAlertsForApi>[number];

const matcherSchema = z.object({ name: z.string(), op: z.enum(['=', '!=', '=~', '!~']), value: z.string() });

/** What a silence note must hold: notes are written by lookout, but a topic is shared ground. */
export const silenceNoteSchema = z.object({
  id: z.string().min(1),
  matchers: z.array(matcherSchema).min(1),
  startsAt: z.number(),
  endsAt: z.number(),
  comment: z.string(),
  createdBy: z.string(),
  createdAt: z.number(),
});

export const ackNoteSchema = z.object({ by: z.string(), at: z.number(), comment: z.string() });

/** A silence made or expired on another replica: its last version replaces what this store has. */
export function applySilence(store: StateStore, s: Silence): void {
  migrateNotify(store);
  upsertSilence(store, s);
}

/** An alert acknowledged on another replica. */
export function applyAck(store: StateStore, key: string, ack: Ack): void {
  migrateNotify(store);
  ackAlert(store, key, ack.by, ack.at, ack.comment);
}
