import type { FileIdentity } from './files';

/**
 * A point in a container's stream of log files: a byte of one file. `seq` orders the files this
 * tailer opened (so two positions compare even across a rotation); it is not persisted.
 */
export interface Position extends FileIdentity {
  seq: number;
  offset: number;
  path: string;
}

export function before(a: Position, b: Position): boolean {
  return a.seq < b.seq || (a.seq === b.seq && a.offset < b.offset);
}

export function earliest(positions: Array<Position | undefined>): Position | undefined {
  let min: Position | undefined;
  for (const p of positions) if (p && (!min || before(p, min))) min = p;
  return min;
}
