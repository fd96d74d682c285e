/**
 * The CPU a container really got, read from its cgroup v1 `cpuacct.usage` on this host (the test
 * runs beside the engine), so the fault suite can tell "lookout missed a CPU hog" from "the hog
 * never got 80 % of a core on this loaded 2-core machine": under cgroup v1 every container shares
 * the one weight of /docker against each task outside it, so other work on the host starves it.
 */
import fs from 'node:fs';
import { inspect } from '../../support/docker';

export interface CpuSampler {
  samples: Array<{ at: number; usageNs: number }>;
  /** True when some `holdMs` stretch had every `windowMs` average above `pct` (the rule's condition held). */
  breached(pct: number, windowMs: number, holdMs: number): boolean;
  /** The first sample time at or after `after` whose `windowMs` average is below `pct`. */
  fellBelow(pct: number, windowMs: number, after: number): number | undefined;
  /** The highest `windowMs` average seen, in % of one core. */
  maxAvg(windowMs: number): number;
  stop(): void;
}

export async function sampleCpu(name: string, everyMs = 2000): Promise<CpuSampler> {
  const id = (await inspect(name)).Id as string;
  const file = `/sys/fs/cgroup/cpuacct/docker/${id}/cpuacct.usage`;
  const samples: CpuSampler['samples'] = [];
  const read = () => {
    try {
      samples.push({ at: Date.now(), usageNs: Number(fs.readFileSync(file, 'utf8').trim()) });
    } catch {
      /* gone, or not cgroup v1: no sample */
    }
  };
  read();
  const timer = setInterval(read, everyMs);
  /** The average over [t - windowMs, t] for each sample time t that has a full window behind it. */
  const averages = (windowMs: number) => {
    const out: Array<{ at: number; pct: number }> = [];
    for (const s of samples) {
      const base = [...samples].reverse().find((b) => b.at <= s.at - windowMs);
      if (base) out.push({ at: s.at, pct: ((s.usageNs - base.usageNs) / 1e6 / (s.at - base.at)) * 100 });
    }
    return out;
  };
  return {
    samples,
    breached(pct, windowMs, holdMs) {
      const avg = averages(windowMs);
      return avg.some((a) => {
        const span = avg.filter((b) => b.at >= a.at && b.at <= a.at + holdMs);
        return (
          span.length > 0 && span.at(-1)!.at - a.at >= holdMs - 2 * everyMs && span.every((b) => b.pct > pct)
        );
      });
    },
    fellBelow: (pct, windowMs, after) => averages(windowMs).find((a) => a.at >= after && a.pct < pct)?.at,
    maxAvg: (windowMs) => Math.max(0, ...averages(windowMs).map((a) => a.pct)),
    stop: () => clearInterval(timer),
  };
}
