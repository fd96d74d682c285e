import fs from 'node:fs/promises';
import path from 'node:path';
import {
  parseLoadAvg,
  parseMeminfo,
  parseNetDev,
  parsePressure,
  parseStat,
  parseVmstat,
  type CpuTimes,
  type IfaceCounters,
  type LoadAvg,
  type Pressure,
} from './proc';

/** One reading of the host's /proc. A part that could not be read is absent, with its reason. */
export interface ProcReading {
  load?: LoadAvg;
  cpu?: CpuTimes;
  mem?: Map<string, number>;
  vmstat?: Map<string, number>;
  pressure: Partial<Record<PressureResource, Pressure>>;
  net?: Map<string, IfaceCounters>;
  /** `proc/loadavg: ENOENT...`, one per file that failed, for the log. */
  problems: string[];
}

export const PRESSURE_RESOURCES = ['cpu', 'memory', 'io'] as const;
export type PressureResource = (typeof PRESSURE_RESOURCES)[number];

/** Reads every /proc file the host metrics need under `hostRoot`, each on its own. */
export async function readProc(hostRoot: string): Promise<ProcReading> {
  const out: ProcReading = { pressure: {}, problems: [] };
  const read = async <T>(rel: string, parse: (t: string) => T, optional = false): Promise<T | undefined> => {
    try {
      return parse(await fs.readFile(path.join(hostRoot, rel), 'utf8'));
    } catch (err) {
      // PSI needs Linux 4.20 with CONFIG_PSI; its absence is the kernel's choice, not a fault.
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      if (!(optional && missing)) out.problems.push(`${rel}: ${(err as Error).message}`);
      return undefined;
    }
  };
  const [load, cpu, mem, vmstat, net, ...psi] = await Promise.all([
    read('proc/loadavg', parseLoadAvg),
    read('proc/stat', parseStat),
    read('proc/meminfo', parseMeminfo),
    read('proc/vmstat', parseVmstat),
    read('proc/net/dev', parseNetDev),
    ...PRESSURE_RESOURCES.map((r) => read(`proc/pressure/${r}`, parsePressure, true)),
  ]);
  Object.assign(out, { load, cpu, mem, vmstat, net });
  PRESSURE_RESOURCES.forEach((r, i) => {
    if (psi[i]) out.pressure[r] = psi[i];
  });
  return out;
}
