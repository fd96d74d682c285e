/**
 * A step log for slow end-to-end tests: which await a test is in, since when. Jest's
 * "Exceeded timeout" names no line, and a stall under load (issue 15: the incident UI test once
 * waited 120 s) must explain itself the next time. A step still waiting is reported every
 * `nagMs`, a failed step says how long it took, and `pending()` names what was still waiting
 * when a test ended (call it from afterEach). Every start and end is printed too with
 * LOOKOUT_STEP_LOG=1; otherwise a green run stays quiet.
 */
export class StepLog {
  private readonly open = new Map<number, { name: string; since: number }>();
  private next = 0;
  private readonly t0 = Date.now();

  constructor(
    private readonly write: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
    // Above the longest wait a green run has (container_down fires 30 s after the exit).
    private readonly nagMs = 45_000,
    private readonly verbose = process.env.LOOKOUT_STEP_LOG === '1',
  ) {}

  /** Runs `fn` as a named step: logged at its start and end, nagged about while it waits. */
  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const id = this.next++;
    const since = Date.now();
    this.open.set(id, { name, since });
    if (this.verbose) this.write(`[step +${this.clock()}] ${name}: start`);
    const nag = setInterval(
      () => this.write(`[step +${this.clock()}] ${name}: still waiting after ${Date.now() - since} ms`),
      this.nagMs,
    );
    nag.unref();
    try {
      const out = await fn();
      if (this.verbose) this.write(`[step +${this.clock()}] ${name}: done in ${Date.now() - since} ms`);
      return out;
    } catch (err) {
      this.write(`[step +${this.clock()}] ${name}: failed after ${Date.now() - since} ms: ${String(err)}`);
      throw err;
    } finally {
      clearInterval(nag);
      this.open.delete(id);
    }
  }

  /** The steps still waiting, oldest first, as `name (N ms)`; empty when none. */
  pending(): string[] {
    return [...this.open.values()].map((s) => `${s.name} (${Date.now() - s.since} ms)`);
  }

  private clock(): string {
    return `${((Date.now() - this.t0) / 1000).toFixed(1)}s`;
  }
}
