/** What one check found; turned into probe.* samples by the source. */
export interface ProbeResult {
  up: boolean;
  latencyMs: number;
  statusCode?: number;
  tlsDaysLeft?: number;
  /** Why it is down, for the debug log. */
  error?: string;
}
