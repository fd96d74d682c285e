import fs from 'node:fs';
import path from 'node:path';
import type { LookoutEvent } from '../../core/events';
import type { Logger } from '../../core/logger';
import type { DeadLetter } from '../sinks/sink';
import { deadLettered } from './metrics';

/**
 * Events a backend refused for good (a mapping conflict, a parse error): one NDJSON line each,
 * `{"time","sink","reason","event"}`, in `<dir>/<sink>.ndjson`, so nothing vanishes silently
 * and an operator can fix the mapping and replay them. Written synchronously: the batch is
 * acknowledged right after, and a crash must not lose what was promised to this file.
 */
export class FileDeadLetter implements DeadLetter {
  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
  ) {}

  file(sink: string): string {
    return path.join(this.dir, `${sink}.ndjson`);
  }

  write(sink: string, items: Array<{ event: LookoutEvent; reason: string }>): void {
    if (items.length === 0) return;
    const time = new Date().toISOString();
    let text = '';
    for (const { event, reason } of items) text += `${JSON.stringify({ time, sink, reason, event })}\n`;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      fs.appendFileSync(this.file(sink), text);
    } catch (err) {
      // Nowhere left to put them: the log keeps the reason at least.
      this.logger.error(
        { sink, count: items.length, err: (err as Error).message },
        'cannot write the dead-letter file; refused events are lost',
      );
    }
    deadLettered.inc({ sink }, items.length);
  }
}
