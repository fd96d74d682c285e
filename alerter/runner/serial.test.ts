import { SerialQueue } from './serial';

describe('SerialQueue', () => {
  it('runs turns one after another, in order, and a failed turn does not stop the next', async () => {
    const q = new SerialQueue();
    const seen: string[] = [];
    const slow = q.run(async () => {
      await new Promise((r) => setTimeout(r, 20));
      seen.push('slow');
    });
    const bad = q.run(() => {
      seen.push('bad');
      throw new Error('boom');
    });
    const fast = q.run(() => seen.push('fast'));
    await expect(bad).rejects.toThrow('boom');
    await Promise.all([slow, fast, q.idle()]);
    expect(seen).toEqual(['slow', 'bad', 'fast']);
  });
});
