import { within } from './write-ahead';

describe('within', () => {
  it('settles as the write does', async () => {
    await expect(within(Promise.resolve(), 60_000)).resolves.toBeUndefined();
    await expect(within(Promise.reject(new Error('broker away')), 60_000)).rejects.toThrow('broker away');
  });

  it('gives up on a write that does not answer, naming the deadline', async () => {
    await expect(within(new Promise<void>(() => undefined), 20)).rejects.toThrow(
      'state topic did not answer within 20 ms',
    );
  });
});
