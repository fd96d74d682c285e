import { PerKeyOrder } from './per-key-order';

/** A task that finishes when the test says so, recording when it started and ended. */
function gate(log: string[], name: string) {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  const task = async (): Promise<void> => {
    log.push(`${name} start`);
    await opened;
    log.push(`${name} end`);
  };
  return { open, task };
}

describe('PerKeyOrder', () => {
  it('runs one key in order and another key alongside it', async () => {
    const order = new PerKeyOrder();
    const log: string[] = [];
    const a1 = gate(log, 'a1');
    const a2 = gate(log, 'a2');
    const b1 = gate(log, 'b1');
    const doneA1 = order.run('a', a1.task);
    const doneA2 = order.run('a', a2.task);
    const doneB1 = order.run('b', b1.task);
    b1.open();
    await doneB1;
    // b finished while a1 still holds a, and a2 has not started.
    expect(log).toEqual(['a1 start', 'b1 start', 'b1 end']);
    expect(order.busy('a')).toBe(true);
    a2.open();
    a1.open();
    await Promise.all([doneA1, doneA2]);
    expect(log.slice(3)).toEqual(['a1 end', 'a2 start', 'a2 end']);
    await Promise.resolve();
    expect(order.pending).toBe(0);
  });

  it('a failing task reaches its caller and does not stop the next one of its key', async () => {
    const order = new PerKeyOrder();
    const ran: string[] = [];
    const failed = order.run('a', async () => {
      throw new Error('boom');
    });
    const next = order.run('a', async () => void ran.push('next'));
    await expect(failed).rejects.toThrow('boom');
    await next;
    expect(ran).toEqual(['next']);
  });
});
