import { StateStore } from '../../core/store/store';
import { firing, makeAlert, T0 } from '../../test/notify/fixtures';
import { explain } from './decisions';
import { ingest } from './ingest';
import { migrateNotify } from './store/tables';

test("the decision log's received step keeps the evaluator's words, when it has some", () => {
  const store = StateStore.open(':memory:');
  migrateNotify(store);
  try {
    const words =
      '1 running, at least 2 wanted (container web-1: label lookout.replicas="three" is not a positive integer; the rule\'s min_running is used)';
    const short = makeAlert({
      key: 'web_short',
      rule: 'web_short',
      labels: { service: 'web' },
      detail: words,
    });
    const plain = makeAlert({ key: 'plain' });
    ingest(store, [firing(short), firing(plain)], T0, { max_changes: 10, window: 3_600_000 });
    expect(explain(store, 'web_short').map((d) => [d.step, d.detail.detail])).toEqual([['received', words]]);
    expect(explain(store, 'plain')[0]!.detail).not.toHaveProperty('detail');
  } finally {
    store.close();
  }
});
