import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../../../core/clock';
import type { Logger } from '../../../core/logger';
import { tailMetrics } from './metrics';

/**
 * How long a running container's log file may be absent before we say so. Docker creates it at
 * start, so a few seconds of absence is a race; ten is a wrong mount or a wrong engine.
 */
export const MISSING_FILE_WARN_MS = 10_000;

/**
 * A tailer with no file reads nothing and shows no lag, so without this a wrong mount or a
 * wrong `docker.socket` looks exactly like a quiet container. Said once per container, with
 * what is missing: the folder (a mount) or only the file; counted in a gauge while it lasts.
 */
export class MissingFileWatch {
  /** When the tailer first found no file to read, and whether that was reported (once). */
  private since: number | undefined;
  private reported = false;

  constructor(
    private readonly logPath: string,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** One idle poll: `hasFile` the follower has a file open; a container never started has none yet. */
  check(hasFile: boolean, running: boolean): void {
    if (hasFile || !running) {
      if (this.reported) {
        tailMetrics.missingFiles.dec();
        if (running) this.log.info({ path: this.logPath }, 'log file appeared: reading it');
      }
      this.since = undefined;
      this.reported = false;
      return;
    }
    const now = this.clock.now();
    this.since ??= now;
    if (this.reported || now - this.since < MISSING_FILE_WARN_MS) return;
    this.reported = true;
    tailMetrics.missingFiles.inc();
    this.log.warn({ path: this.logPath }, missingFileMessage(this.logPath));
  }

  /** The tailer stops: a file it reported missing leaves the gauge. */
  close(): void {
    if (this.reported) tailMetrics.missingFiles.dec();
  }
}

/** Why a json-file log cannot be found, and what to do about it. */
export function missingFileMessage(logPath: string): string {
  const folder = path.dirname(path.dirname(logPath)); // <root>/containers/<id>/<id>-json.log
  let folderState: string;
  try {
    fs.accessSync(folder, fs.constants.R_OK | fs.constants.X_OK);
    folderState = 'ok';
  } catch (err) {
    folderState = (err as NodeJS.ErrnoException).code ?? 'error';
  }
  if (folderState === 'ENOENT')
    return `log file ${logPath} cannot be read: the folder ${folder} does not exist here. In a container, mount it at the same path (-v ${folder}:${folder}:ro); on a host, check that docker.socket names the engine these containers run on`;
  if (folderState !== 'ok')
    return `log file ${logPath} cannot be read: the folder ${folder} is not readable (${folderState}); run lookout as root, or give it read access to that folder`;
  return `log file ${logPath} does not exist although the container runs: nothing of its output can be shipped until it appears (was it deleted by hand, or is this another engine's folder?)`;
}
