import { spawn } from 'node:child_process';
import { cpuSecondsOf, peakRssMiB, roundsFromArgs, runRounds, summarize } from './report';

describe('bench report', () => {
  it('summarizes an odd and an even number of rounds', () => {
    expect(summarize([5, 1, 3])).toMatchObject({ median: 3, min: 1, max: 5 });
    expect(summarize([4, 1, 3, 2])).toMatchObject({ median: 2.5, min: 1, max: 4 });
    expect(() => summarize([])).toThrow(/no values/);
  });

  it('reads the CPU and peak RSS of a partner process from /proc', async () => {
    const child = spawn(
      process.execPath,
      [
        '-e',
        // Says when the 64 MiB are resident: on a loaded machine its start-up alone can take the
        // 0.2 CPU-s polled for below, and the RSS was once read before the buffer was filled.
        'const a = Buffer.alloc(64 << 20, 1); console.log("filled"); let x = 0; for (let i = 0; i < 3e8; i++) x += i; process.stdin.resume();',
      ],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (b: Buffer) => b.toString().includes('filled') && resolve());
        child.once('exit', (code) => reject(new Error(`the partner exited with ${code}`)));
      });
      // Busy for a moment: poll until it has used some CPU (no fixed sleep).
      const deadline = Date.now() + 60_000;
      while (cpuSecondsOf(child.pid!) < 0.2 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(cpuSecondsOf(child.pid!)).toBeGreaterThanOrEqual(0.2);
      expect(peakRssMiB(child.pid)).toBeGreaterThan(60);
      expect(peakRssMiB()).toBeGreaterThan(10);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('runs rounds and collects each figure', async () => {
    const lines: string[] = [];
    const s = await runRounds(
      3,
      async (i) => ({ rate: (i + 1) * 10 }),
      (l) => lines.push(l),
    );
    expect(s.rate).toMatchObject({ median: 20, min: 10, max: 30 });
    expect(lines).toHaveLength(3);
  });

  it('takes rounds from --rounds, then BENCH_ROUNDS, else 5', () => {
    expect(roundsFromArgs(['node', 'x', '--rounds', '3'], {})).toBe(3);
    expect(roundsFromArgs(['node', 'x'], { BENCH_ROUNDS: '7' })).toBe(7);
    expect(roundsFromArgs(['node', 'x'], {})).toBe(5);
    expect(() => roundsFromArgs(['node', 'x', '--rounds', '0'], {})).toThrow(/positive/);
  });
});
