import { InOrderAcks } from './acks';

describe('InOrderAcks', () => {
  test.each([
    ['in order', [0, 1, 2], [0, 1, 2]],
    ['a later ack waits for the earlier one', [1, 0, 2], [undefined, 1, 2]],
    ['reversed', [2, 1, 0], [undefined, undefined, 2]],
    ['gap never filled', [0, 2, 3], [0, undefined, undefined]],
  ])('%s', (_name, order, want) => {
    const a = new InOrderAcks<number>();
    for (let i = 0; i < 4; i++) a.issue();
    expect(order.map((seq) => a.ack(seq, seq))).toEqual(want);
  });
});
