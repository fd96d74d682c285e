/** The demo's reads of Graphite: a container's latest CPU, and the hog's graph for the README. */
import fs from 'node:fs';
import path from 'node:path';
import { segment } from '../collector/sinks/names';
import { getJson } from './net';

const cpuTarget = (host: string, container: string) =>
  `lookout.${segment(host)}.${segment(container)}.cpu.percent`;

/** A container's latest CPU percent in Graphite (the carbon sink's series), if any yet. */
export async function lastCpu(
  graphiteUrl: string,
  host: string,
  container: string,
): Promise<number | undefined> {
  const series = await getJson<Array<{ datapoints: Array<[number | null, number]> }>>(
    `${graphiteUrl}/render?target=${cpuTarget(host, container)}&from=-20s&format=json`,
  );
  const points = (series?.[0]?.datapoints ?? []).filter((p) => p[0] !== null);
  return points.at(-1)?.[0] ?? undefined;
}

/**
 * Saves the hog's graph as cpu-hog.png. The picture is the page's own image (the alerter's
 * render URL for the breach) when it has one, fetched now that the hog has stopped and narrowed
 * to its last minutes (a page shows 30 min before the breach), so the graph shows the rise, the
 * threshold and the fall.
 */
export async function saveHogGraph(o: {
  graphiteUrl: string;
  host: string;
  hog: string;
  pageImage?: string;
  outDir: string;
}): Promise<string> {
  const range = new URL(
    o.pageImage ?? `${o.graphiteUrl}/render?target=${cpuTarget(o.host, o.hog)}&format=png`,
  );
  const now = Math.ceil(Date.now() / 1000);
  range.searchParams.set('from', String(now - 4 * 60));
  range.searchParams.set('until', String(now));
  const png = await fetch(range);
  const file = path.join(o.outDir, 'cpu-hog.png');
  fs.mkdirSync(o.outDir, { recursive: true });
  fs.writeFileSync(file, Buffer.from(await png.arrayBuffer()));
  return file;
}
