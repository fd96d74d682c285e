import { Counter, Gauge, register } from 'prom-client';

/** prom-client throws on a second registration (tests import modules more than once): reuse. */
function counter(name: string, help: string, labelNames: string[] = []): Counter<string> {
  return (
    (register.getSingleMetric(name) as Counter<string> | undefined) ?? new Counter({ name, help, labelNames })
  );
}
function gauge(name: string, help: string, labelNames: string[] = []): Gauge<string> {
  return (
    (register.getSingleMetric(name) as Gauge<string> | undefined) ?? new Gauge({ name, help, labelNames })
  );
}

export const tailMetrics = {
  lines: counter('lookout_tail_lines_total', 'log lines read from json-file logs and the logs API', [
    'source',
  ]),
  bytes: counter('lookout_tail_bytes_total', 'log file bytes read'),
  corrupt: counter(
    'lookout_tail_corrupt_lines_total',
    'lines in a json-file log that are not Docker JSON: counted, reported, skipped',
  ),
  invalidUtf8: counter(
    'lookout_tail_invalid_utf8_lines_total',
    'lines with bytes that are not UTF-8 (kept, with U+FFFD)',
  ),
  truncatedLines: counter('lookout_tail_truncated_lines_total', 'lines cut at max_line_bytes'),
  rotations: counter('lookout_tail_rotations_total', 'log files finished after Docker rotated them'),
  truncations: counter('lookout_tail_truncations_total', 'log files found truncated under the reader'),
  droppedBytes: counter(
    'lookout_tail_dropped_bytes_total',
    'bytes never read: files rotated away or deleted before the tailer got to them',
  ),
  checkpoints: counter('lookout_tail_checkpoints_total', 'checkpoints written after delivery'),
  unsupported: counter(
    'lookout_tail_unsupported_driver_total',
    'containers whose log driver cannot be read',
    ['driver'],
  ),
  missingFiles: gauge(
    'lookout_tail_missing_files',
    'json-file containers whose log file has been absent for 10 s or more (a missing mount, or a wrong engine)',
  ),
  tailers: gauge('lookout_tail_tailers', 'containers being tailed', ['mode']),
  lag: gauge(
    'lookout_tail_lag_bytes',
    'bytes of the container log not yet checkpointed (read but not delivered, or not read yet)',
    ['container'],
  ),
};
