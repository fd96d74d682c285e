import {
  cpuPercents,
  parseLoadAvg,
  parseMeminfo,
  parseNetDev,
  parsePressure,
  parseStat,
  parseVmstat,
} from './proc';

const STAT = `cpu  100 0 50 800 40 5 5 0 0 0
cpu0 50 0 25 400 20 2 3 0 0 0
cpu1 50 0 25 400 20 3 2 0 0 0
intr 123 0
`;
const STAT_LATER = `cpu  160 0 80 860 60 5 5 30 7 0
cpu0 80 0 40 430 30 2 3 15 0 0
cpu1 80 0 40 430 30 3 2 15 0 0
`;

describe('host /proc parsers', () => {
  it('reads the three load averages', () => {
    expect(parseLoadAvg('4.52 1.77 0.66 6/274 5527\n')).toEqual({ load1: 4.52, load5: 1.77, load15: 0.66 });
    expect(() => parseLoadAvg('garbage')).toThrow(/unexpected loadavg/);
  });

  it('counts cores and sums the aggregate line without guest time', () => {
    expect(parseStat(STAT)).toEqual({ total: 1000, idle: 800, iowait: 40, steal: 0, cores: 2 });
    expect(() => parseStat('intr 1\n')).toThrow(/no aggregate cpu line/);
  });

  it('turns two readings into busy, iowait and steal shares of all cores', () => {
    // 200 jiffies passed: 60 idle, 20 iowait, 30 steal; busy = 200 - 60 - 20 = 120.
    expect(cpuPercents(parseStat(STAT), parseStat(STAT_LATER))).toEqual({ busy: 60, iowait: 10, steal: 15 });
    expect(cpuPercents(parseStat(STAT), parseStat(STAT))).toBeUndefined();
  });

  it('reads meminfo in bytes', () => {
    const m = parseMeminfo('MemTotal:       2000 kB\nMemAvailable:    500 kB\nHugePages_Total:       0\n');
    expect(m.get('MemTotal')).toBe(2000 * 1024);
    expect(m.get('MemAvailable')).toBe(500 * 1024);
    expect(m.get('HugePages_Total')).toBe(0);
  });

  it.each([
    [
      'some avg10=1.50 avg60=0.00 avg300=0.00 total=10\nfull avg10=0.25 avg60=0 avg300=0 total=1\n',
      { some: 1.5, full: 0.25 },
    ],
    ['some avg10=3.00 avg60=0.00 avg300=0.00 total=10\n', { some: 3 }],
  ])('reads the avg10 shares of a pressure file %#', (text, want) => {
    expect(parsePressure(text)).toEqual(want);
  });

  it('reads vmstat counters', () => {
    expect(parseVmstat('pswpin 12\npswpout 34\n').get('pswpout')).toBe(34);
  });

  it('reads net/dev, leaving out lo and the containers veth ends', () => {
    const text = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:     100       1    0    0    0     0          0         0      100       1    0    0    0     0       0          0
  eth0: 5000      40    2    0    0     0          0         0     7000      50    3    0    0     0       0          0
vethab12:  10       1    0    0    0     0          0         0       10       1    0    0    0     0       0          0
`;
    const m = parseNetDev(text);
    expect([...m.keys()]).toEqual(['eth0']);
    expect(m.get('eth0')).toEqual({ rxBytes: 5000, rxErrors: 2, txBytes: 7000, txErrors: 3 });
  });
});
