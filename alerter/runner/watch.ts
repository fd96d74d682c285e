import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../core/logger';

/** fs.watch on each rules folder (a file's parent), debounced: editors write in bursts. */
export function watchRules(
  paths: readonly string[],
  debounceMs: number,
  onChange: () => void,
  log: Logger,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  const fire = (): void => {
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
    timer.unref();
  };
  const out: fs.FSWatcher[] = [];
  for (const p of paths) {
    let dir = p;
    try {
      if (!fs.statSync(p).isDirectory()) dir = path.dirname(p);
      const w = fs.watch(dir, (_event, name) => {
        if (!name || /\.ya?ml$/.test(name.toString())) fire();
      });
      w.on('error', (err) => log.warn({ err, dir }, 'rule folder watch failed'));
      out.push(w);
    } catch (err) {
      log.warn({ err, dir }, 'cannot watch rules; SIGHUP still reloads');
    }
  }
  return () => {
    clearTimeout(timer);
    for (const w of out) w.close();
  };
}
