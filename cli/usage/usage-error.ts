import { LookoutError } from '../../core/errors';

/**
 * A flag or argument the command cannot use (`--from yesterday`, `--for 30x`): the caller's
 * input to fix, so exit code 2 like commander's own usage errors, not 1, which scripts read
 * as "the command ran and found something".
 */
export class UsageError extends LookoutError {}
