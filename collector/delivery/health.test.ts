import { ManualClock } from '../../core/clock';
import { TransientDeliveryError } from '../../core/errors';
import { silentLogger } from '../../core/logger';
import { sinksHealth, SINK_FAILURE_BUDGET_MS } from './health';
import { WriteOutcome } from './outcome';
import type { SinkState } from './runner';

const T0 = 1_700_000_000_000;
const sink = (over: Partial<SinkState> = {}): SinkState => ({
  sink: 'es',
  queuedEvents: 0,
  queuedBytes: 0,
  spooledEvents: 0,
  spooledBytes: 0,
  blocked: false,
  ...over,
});

test.each([
  ['every sink writing', [sink(), sink({ sink: 'statsd' })], true, undefined],
  [
    'a sink failing within its budget (the spool carries it)',
    [sink({ failingSince: T0 - SINK_FAILURE_BUDGET_MS })],
    true,
    undefined,
  ],
  [
    'a sink failing past its budget',
    [sink({ failingSince: T0 - SINK_FAILURE_BUDGET_MS - 60_000 })],
    false,
    'es failing for 6 min (budget 5 min)',
  ],
  ['a full spool', [sink({ sink: 'statsd', blocked: true })], false, 'spool full for statsd'],
  [
    'both, on two sinks',
    [sink({ blocked: true }), sink({ sink: 'statsd', failingSince: T0 - 3_600_000 })],
    false,
    'spool full for es; statsd failing for 60 min (budget 5 min)',
  ],
])('%s', (_n, states, ok, detail) => {
  expect(sinksHealth(states, T0)).toEqual(detail ? { ok, detail } : { ok });
});

test('a sink is failing from its first failed write until a write succeeds', () => {
  const clock = new ManualClock(T0);
  const outcome = new WriteOutcome('es', {
    logger: silentLogger(),
    clock,
    deadLetter: { write: () => undefined },
  });
  const keep = () => undefined;
  expect(outcome.failingSince).toBeUndefined();
  outcome.failed(new TransientDeliveryError('down'), [], { aborted: false, attempt: 0 }, keep);
  clock.advance(60_000);
  outcome.failed(new TransientDeliveryError('down'), [], { aborted: false, attempt: 1 }, keep);
  expect(outcome.failingSince).toBe(T0);
  outcome.succeeded([]);
  expect(outcome.failingSince).toBeUndefined();
});
