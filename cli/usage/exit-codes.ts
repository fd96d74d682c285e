/**
 * The `lookout` command's exit codes, one meaning each so scripts can branch on them.
 * `lookout status --check` is the exception: it speaks Nagios (OK, WARNING, CRITICAL, UNKNOWN).
 */
export const EXIT_OK = 0;
/** The command worked and found something: failed rule tests, a problem it reports. */
export const EXIT_FINDINGS = 1;
/** Bad usage, an invalid config or rule file, a missing environment: fix the input and retry. */
export const EXIT_USAGE = 2;
/** lookout, its API or its /metrics did not answer. */
export const EXIT_UNREACHABLE = 3;

export const EXIT_CODES_HELP = `
Exit codes:
  0  ok
  1  findings (failed rule tests, a failure while running)
  2  usage or config error (unknown command or option, invalid config or rules, no Docker socket)
  3  unreachable (the alerter API or /metrics did not answer)
  lookout status --check speaks Nagios instead: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
`;
