/**
 * The demo's live status line: rewritten in place on a terminal, printed as plain lines (at
 * most every few seconds) when output goes to a file or a CI log.
 */
export class StatusLine {
  private last = '';
  private lastPlainAt = 0;
  private shown = false;
  constructor(
    private readonly out: NodeJS.WriteStream = process.stdout,
    private readonly plainEveryMs = 10_000,
  ) {}

  private get tty(): boolean {
    return this.out.isTTY === true;
  }

  /** Prints a line of the story, keeping the status line below it. */
  say(line: string): void {
    if (this.tty && this.shown) this.out.write('\r\x1b[2K');
    this.out.write(`${line}\n`);
    if (this.tty && this.shown) this.out.write(this.last);
  }

  update(text: string): void {
    this.last = text;
    if (this.tty) {
      this.out.write(`\r\x1b[2K${text}`);
      this.shown = true;
    } else if (Date.now() - this.lastPlainAt >= this.plainEveryMs) {
      this.lastPlainAt = Date.now();
      this.out.write(`[status] ${text}\n`);
    }
  }

  done(): void {
    if (this.tty && this.shown) this.out.write('\r\x1b[2K');
    this.shown = false;
  }
}

/** Sums the samples of one metric family in Prometheus text (all label sets). */
export function promSum(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const v = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(v)) sum += v;
  }
  return sum;
}
