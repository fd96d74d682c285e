/** One message of `GET /events` (API 1.41+ shape; the legacy `status`/`id`/`from` keys are ignored). */
export interface DockerEvent {
  Type: string;
  /** `start`, `die`, `health_status: unhealthy`, `exec_start: sh -c ...` */
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  /** Seconds since the epoch. */
  time: number;
  timeNano: number;
}

/** `health_status: unhealthy` → `health_status`; `exec_start: sh -c true` → `exec_start`. */
export function baseAction(action: string): string {
  const i = action.indexOf(':');
  return i < 0 ? action : action.slice(0, i);
}

/** Health checks run as execs: every check adds exec_create/exec_start/exec_die, which say nothing about the container. */
export function isExecNoise(action: string): boolean {
  return action.startsWith('exec_');
}

/**
 * Splits the events stream (one JSON object per line) into events. A line that does not parse
 * is handed to `onBad` and skipped rather than ending the stream.
 */
export async function* readEvents(
  stream: AsyncIterable<Buffer | string>,
  onBad: (line: string, err: unknown) => void,
): AsyncGenerator<DockerEvent> {
  let rest = '';
  for await (const chunk of stream) {
    rest += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, nl).trim();
      rest = rest.slice(nl + 1);
      if (!line) continue;
      try {
        const ev = JSON.parse(line) as DockerEvent;
        if (ev && typeof ev.Action === 'string' && ev.Actor && typeof ev.Actor.ID === 'string') {
          ev.Actor.Attributes ??= {};
          yield ev;
        } else onBad(line, new Error('not an event'));
      } catch (err) {
        onBad(line, err);
      }
    }
  }
}
