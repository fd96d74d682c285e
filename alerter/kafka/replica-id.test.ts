import { StateStore } from '../../core/store/store';
import { replicaIdentity } from './replica-id';

test('a replica keeps its identity in its store: the same across runs, another store another one', () => {
  const store = StateStore.open(':memory:');
  const other = StateStore.open(':memory:');
  const id = replicaIdentity(store);
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  expect(replicaIdentity(store)).toBe(id);
  expect(replicaIdentity(other)).not.toBe(id);
  store.close();
  other.close();
});
