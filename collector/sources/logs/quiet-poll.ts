import { statSync } from 'node:fs';

/** Quiet polls answered from the stat alone before one full look anyway. */
export const QUIET_POLLS_PER_FULL_LOOK = 10;

/**
 * Lets a poll of an idle log file end at one stat. An idle container's file is polled every
 * couple of seconds, and a full look (follower.ts) is four reads and stats on libuv's thread pool
 * (read at the offset, stat the live path, fstat, read the first line), each a hand-off between
 * threads: with 50 idle containers that was most of an idle collector's CPU, and more on a VM,
 * where waking another vCPU is dear. One stat of the live path on the calling thread comes first:
 * when it is the stat the last full look that found nothing saw (same inode, size, mtime and
 * ctime), nothing was written, renamed or truncated since. A truncation rewritten to the very
 * same size within one timestamp tick would look unchanged, so every QUIET_POLLS_PER_FULL_LOOK-th
 * poll looks in full anyway.
 */
export class QuietPoll {
  /** The stat the last full look that found nothing new began with. */
  private quiet: string | undefined;
  /** The stat this poll began with. */
  private taken: string | undefined;
  private skipped = 0;
  /** The last full look found nothing: only then is a stat first worth its syscall. */
  private idle = false;

  constructor(private readonly path: string) {}

  /** Whether the file is as the last quiet full look left it: this poll may end here. */
  unchanged(): boolean {
    // While lines flow (a backlog read chunk by chunk, a busy container) every look finds
    // something: no stat then, so the quiet path starts at the second empty look.
    this.taken = this.idle ? statKey(this.path) : undefined;
    if (this.taken !== undefined && this.taken === this.quiet && this.skipped < QUIET_POLLS_PER_FULL_LOOK) {
      this.skipped++;
      return true;
    }
    this.quiet = undefined;
    this.skipped = 0;
    return false;
  }

  /** After a full look: `quiet`, it found nothing new and no rotation is under way. */
  looked(quiet: boolean): void {
    this.idle = quiet;
    this.quiet = quiet ? this.taken : undefined;
  }
}

/** What one stat of `path` says about its content and identity, or undefined when it is absent. */
function statKey(path: string): string | undefined {
  const st = statSync(path, { bigint: true, throwIfNoEntry: false });
  return st && `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}
