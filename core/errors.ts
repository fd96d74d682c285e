/**
 * One error hierarchy for the whole project. `retriable` tells the retry helper and the
 * delivery loops whether trying again can help; `cause` keeps the underlying error.
 */
export class LookoutError extends Error {
  readonly retriable: boolean;
  constructor(message: string, opts: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = new.target.name;
    this.retriable = opts.retriable ?? false;
  }
}

/** A problem in a config or rule file, located to file:line:col. */
export interface ConfigProblem {
  file: string;
  line: number;
  col: number;
  /** Dotted path of the offending key, e.g. `collector.stats.interval`. */
  key: string;
  message: string;
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.col}` : p.file;
  return p.key ? `${where}: ${p.key}: ${p.message}` : `${where}: ${p.message}`;
}

/** Every problem found in a file, reported at once. */
export class ConfigError extends LookoutError {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.problems = problems;
  }
}

/** The Docker engine could not be reached or refused us. */
export class DockerUnavailableError extends LookoutError {}

/** A backend answered in a way that will not change on retry (400, bad credentials...). */
export class PermanentDeliveryError extends LookoutError {
  constructor(message: string, cause?: unknown) {
    super(message, { retriable: false, cause });
  }
}

/** A backend is down, slow or throttling: try again later. */
export class TransientDeliveryError extends LookoutError {
  constructor(message: string, cause?: unknown) {
    super(message, { retriable: true, cause });
  }
}

export function isRetriable(err: unknown): boolean {
  if (err instanceof LookoutError) return err.retriable;
  // Network-level failures from Node are worth retrying; programmer errors are not.
  const code = (err as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|UND_ERR_)/.test(code)
  );
}
