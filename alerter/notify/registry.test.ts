import { graphiteEventsKind } from './deploys/graphite-events';
import { NOTIFIER_KINDS, receiverSchemas } from './registry';

// A kind a user lists must be in the config's union; the deploy markers alone are added by
// receivers.ts from the deploys section (registry.ts says why).
const NOT_LISTED = new Set([graphiteEventsKind.type]);

test.each([...NOTIFIER_KINDS.values()].map((k) => [k.type, k] as const))(
  'kind %s is in the config union exactly when a user may list it',
  (type, kind) => {
    expect((receiverSchemas as readonly unknown[]).includes(kind.schema)).toBe(!NOT_LISTED.has(type));
  },
);

test('the config union holds nothing the registry lacks', () => {
  const registered = new Set([...NOTIFIER_KINDS.values()].map((k) => k.schema));
  for (const s of receiverSchemas) expect(registered.has(s)).toBe(true);
});
