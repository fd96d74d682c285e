/**
 * How the demo talks: each line of the story above a live status line, and the scaling
 * chapter's lines kept with their time into the run, so they can be saved as scaling.txt when
 * the chapter ends (the README shows that file).
 */
import { StatusLine } from './status';

const SCALING_LINE = /== scaling|POOL |COORDINATOR|demo_pool_/;

export class Narrator {
  private readonly status = new StatusLine();
  private readonly startedAt = Date.now();
  private readonly scaling: string[] = [];

  /** Prints a line of the story (an arrow function, so it can be handed around as `say`). */
  readonly say = (line: string): void => {
    this.status.say(line);
    if (SCALING_LINE.test(line) && !line.startsWith('      ')) {
      const t = Math.round((Date.now() - this.startedAt) / 1000);
      const mmss = `${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
      this.scaling.push(`[${mmss}] ${line.trim()}`);
    }
  };

  update(text: string): void {
    this.status.update(text);
  }

  /** Clears the status line before the closing lines. */
  done(): void {
    this.status.done();
  }

  /** The scaling chapter's lines so far, one per line. */
  scalingStory(): string {
    return `${this.scaling.join('\n')}\n`;
  }
}
