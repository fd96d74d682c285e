import { z } from 'zod';
import { byteSize, duration } from '../../../core/config/types';

/**
 * Where a container seen for the first time (no checkpoint yet) starts:
 * - `checkpoint`: the start of its current log file (`<id>-json.log`);
 * - `beginning`: the start of the oldest rotated file still on disk (`.log.N`), i.e. all Docker kept;
 * - `end`: the end of its current file (only lines written from now on).
 * A container with a checkpoint always resumes from it, whatever this says.
 */
export const START_AT = ['checkpoint', 'beginning', 'end'] as const;
export type StartAt = (typeof START_AT)[number];

export const multilineSchema = z
  .object({
    /** Default start-of-record regex for every container; the `lookout.multiline.pattern` label overrides it. Empty: off. */
    pattern: z.string().default(''),
    /** How long a record may wait for its continuation lines before it is sent as is. */
    max_wait: duration().default(2000),
    /** A record is cut after this many lines. */
    max_lines: z.number().int().positive().default(500),
  })
  .strict();

export const logsConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    start_at: z.enum(START_AT, { error: `start_at is one of ${START_AT.join(', ')}` }).default('checkpoint'),
    /** A joined line (json-file 16 KiB pieces, multiline records) is cut at this size and marked truncated. */
    max_line_bytes: byteSize().default(1024 * 1024),
    /** One read() from a log file; bigger means fewer syscalls. */
    read_chunk_bytes: byteSize().default(512 * 1024),
    /** A batch is handed to the pipeline at this many events or bytes, whichever comes first. */
    batch_max_events: z.number().int().positive().default(1000),
    batch_max_bytes: byteSize().default(1024 * 1024),
    /** How often an idle tailer looks for new bytes, rotation and truncation. */
    poll_interval: duration().default(250),
    /** A rotated-away file we still hold open is given up after this long (its unread bytes are counted as dropped). */
    max_deleted_hold: duration().default(60_000),
    /**
     * A file being read fast has its checkpoint written at most this often (and always on
     * rotation and at stop): a crash re-sends up to this much of its lines, which carry the
     * same ids again. 0: after every delivered batch.
     */
    checkpoint_interval: duration().default(1000),
    multiline: multilineSchema.prefault({}),
    /** Parse every line as JSON into `fields` (the `lookout.parse=json` label does it per container). */
    parse_json_default: z.boolean().default(false),
    /** Detect `level` from a JSON level field or a leading ERROR/WARN/INFO token. */
    detect_level: z.boolean().default(true),
    /** Read containers with another log driver (but `none`) through the Engine API logs stream. */
    api_fallback: z.boolean().default(true),
  })
  .strict();

export type LogsConfig = z.output<typeof logsConfigSchema>;
export type LogsConfigInput = z.input<typeof logsConfigSchema>;

/** The defaults, for callers that build a source without a config file (tests, bench). */
export function logsConfig(input: LogsConfigInput = {}): LogsConfig {
  return logsConfigSchema.parse(input);
}
