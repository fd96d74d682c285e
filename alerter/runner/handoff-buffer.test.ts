import type { HandoffBatch } from '../handoff';
import { engineFor } from '../testing/fixtures';
import { HandoffBuffer } from './handoff-buffer';

const RULES =
  'rules:\n  - {name: quiet, kind: absence, of: heartbeat, after: 30s, group_by: [host], summary: s}\n';

describe('HandoffBuffer', () => {
  it('publishes nothing when nothing changed, and keeps a refused batch for the next flush', async () => {
    const { engine } = engineFor(RULES);
    const sent: HandoffBatch[] = [];
    let refuse = true;
    const buf = new HandoffBuffer(
      {
        subscribeOptions: () => ({}),
        publish: (b) => (refuse ? Promise.reject(new Error('broker away')) : void sent.push(b)) as never,
      },
      engine,
    );
    await buf.flush();
    buf.add([{ key: 'a', rule: 'quiet', groupLabels: {}, state: 'firing' }], []);
    await expect(buf.flush()).rejects.toThrow('broker away');
    buf.add([{ key: 'b', rule: 'quiet', groupLabels: {}, state: 'pending' }], []);
    refuse = false;
    await buf.flush();
    expect(sent.map((b) => b.changed.map((c) => c.key))).toEqual([['a', 'b']]);
    await buf.flush();
    expect(sent).toHaveLength(1);
  });
});
