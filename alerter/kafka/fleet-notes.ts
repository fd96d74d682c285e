/**
 * Fleet-wide silences and acks (issue 17): a replica's API tells the fleet through the notes
 * topic (core/bus/kafka/notes-topic.ts), and every replica, the writer included, applies each
 * note to its own store. A replica starting reads the whole topic before it pages anything, so
 * a replica that replaces one killed with -9, or that is given another's partitions in a
 * rebalance, mutes what the fleet silenced.
 *
 *   API (any replica) ─► notes topic (compacted, 1 partition) ─► every replica ─► its store
 *
 * Keys: `silence:<id>` (the silence, last version wins: an expiry is the same silence with an
 * earlier end), `ack:<alert key>` and `alert:<alert key>` (fleet-alerts.ts). Acks are also kept here in memory: notify forgets an
 * alert's ack when the alert moves to another replica (release), and learns it again from
 * here when the alert comes back (reapplyAcks, after takeOver).
 */
import type { Note, NotesTopicLike } from '../../core/bus/kafka/notes-topic';
import { systemClock, type Clock } from '../../core/clock';
import type { FleetAlertView } from './fleet-alerts';
import { LiveSilences, sweepExpiredSilences } from './silence-sweep';
import type { Logger } from '../../core/logger';
import type { StateStore } from '../../core/store/store';
import {
  ackNoteSchema,
  applyAck,
  applySilence,
  silenceNoteSchema,
  type Ack,
  type FleetWrites,
} from '../notify/fleet';

export type { NotesTopicLike } from '../../core/bus/kafka/notes-topic';

/** The note keys: one per silence (its versions replace each other), one per acked alert. */
export const noteKey = {
  silence: (id: string): string => `silence:${id}`,
  ack: (alertKey: string): string => `ack:${alertKey}`,
};

export interface FleetNotes {
  /**
   * Applies every note the topic holds, then keeps following it; resolves once caught up. Also
   * starts tombstoning silences expired long enough ago (silence-sweep.ts).
   */
  start(): Promise<void>;
  /** Stops the sweep (the topic's follower stops with the bus). */
  stop(): void;
  /** For the API (NotifierDeps.fleet). */
  writes: FleetWrites;
  /** Acks of alerts this replica adopted again (its notify forgot them when they moved away). */
  reapplyAcks(keys: readonly string[]): void;
}

export function createFleetNotes(deps: {
  topic: NotesTopicLike;
  store: StateStore;
  logger: Logger;
  /** Where `alert:<key>` notes go (fleet-alerts.ts): the rows other replicas share. */
  alerts?: FleetAlertView;
  /** For the sweep of expired silences (silence-sweep.ts); the system clock and its defaults otherwise. */
  sweep?: { clock: Clock; keepMs?: number; everyMs?: number };
}): FleetNotes {
  const { topic, store } = deps;
  const log = deps.logger.child({ component: 'fleet-notes' });
  const acks = new Map<string, Ack>();
  const live = new LiveSilences();
  let stopSweep = (): void => undefined;
  const apply = applier(deps, acks, live, log);
  return {
    start: () => {
      stopSweep();
      stopSweep = sweepExpiredSilences({
        live,
        tombstone: (id) => topic.put(noteKey.silence(id), null),
        clock: deps.sweep?.clock ?? systemClock,
        logger: log,
        keepMs: deps.sweep?.keepMs,
        everyMs: deps.sweep?.everyMs,
      });
      return topic.follow((note) => {
        try {
          apply(note);
        } catch (err) {
          // One bad note must not stop the others: the fleet would silently diverge from here on.
          log.error({ err, key: note.key }, 'a fleet note could not be applied');
        }
      });
    },
    stop: () => stopSweep(),
    writes: {
      silenced: (s) => topic.put(noteKey.silence(s.id), s),
      acked: (key, ack) => topic.put(noteKey.ack(key), ack),
      othersAlerts: deps.alerts && ((own) => deps.alerts!.othersThan(own)),
    },
    reapplyAcks(keys) {
      for (const k of keys) {
        const ack = acks.get(k);
        if (ack) applyAck(store, k, ack);
      }
    },
  };
}

/** Applies one note to this replica: its store, the acks kept for re-adoption, the live silences, the alert view. */
function applier(
  deps: { store: StateStore; alerts?: FleetAlertView },
  acks: Map<string, Ack>,
  live: LiveSilences,
  log: Logger,
): (note: Note) => void {
  const { store } = deps;
  return (note: Note): void => {
    const colon = note.key.indexOf(':');
    const kind = note.key.slice(0, colon);
    const id = note.key.slice(colon + 1);
    if (kind === 'silence' && note.value !== null) {
      const s = silenceNoteSchema.parse(note.value);
      applySilence(store, s);
      live.noted(id, s.endsAt);
    } else if (kind === 'silence') {
      live.noted(id, null);
    } else if (kind === 'ack' && note.value !== null) {
      const ack = ackNoteSchema.parse(note.value);
      acks.set(id, ack);
      applyAck(store, id, ack);
    } else if (kind === 'ack') {
      acks.delete(id);
    } else if (kind === 'alert') {
      deps.alerts?.apply(id, note.value);
    } else {
      log.warn({ key: note.key }, 'a note of an unknown kind is ignored (a newer lookout wrote it?)');
    }
  };
}
