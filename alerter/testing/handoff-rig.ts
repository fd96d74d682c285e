import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MemoryBus } from '../../core/bus/memory';
import { ManualClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import { alerterConfigSchema, createAlerter, type Alerter, type AlerterHandoff } from '../alerter';
import { createKafkaHandoff, type AdoptedAlert } from '../kafka/handoff';
import type { AlertTransition } from '../types';
import { heartbeat, metric, T0 } from './fixtures';
import { FakeStateTopic } from './state-topic';

export const HANDOFF_RULES = `rules:
  - name: hot
    kind: threshold
    metric: cpu.percent
    reduce: max
    window: 10s
    op: '>'
    threshold: 80
    for: 20s
    group_by: [service]
    severity: warning
    summary: '{{ service }} hot'
  - name: silent
    kind: absence
    of: heartbeat
    after: 30s
    group_by: [host]
    severity: critical
    summary: '{{ host }} silent'
`;

interface Hooks {
  onAssigned(ps: number[]): Promise<void>;
  onRevoked(ps: number[]): Promise<void>;
}

/** The hand-off as the alerter sees it, with the partition hooks it gave the bus in reach. */
function exposeHooks(inner: AlerterHandoff): { handoff: AlerterHandoff; hooks: () => Hooks } {
  let hooks: Hooks | undefined;
  const handoff: AlerterHandoff = {
    publish: (b) => inner.publish(b),
    subscribeOptions: (ctl) => {
      const o = inner.subscribeOptions(ctl);
      hooks = o as unknown as Hooks;
      return o;
    },
  };
  return { handoff, hooks: () => hooks! };
}

interface ReplicaOptions {
  onTransitions?: (t: AlertTransition[]) => Promise<void>;
  handoverWaitMs?: number;
  /** The replica across restarts (KafkaHandoffOptions.replica): two with the same are one restarted. */
  replica?: string;
}

/**
 * Alerter replicas on the in-process bus sharing one in-memory state topic; the partition
 * hooks are called by hand, as the Kafka bus would. test/kafka does the same through Kafka.
 */
export class HandoffRig {
  readonly topic = new FakeStateTopic();
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-'));
  private readonly open: Array<{ alerter: Alerter; bus: MemoryBus; store: StateStore }> = [];

  constructor() {
    fs.writeFileSync(path.join(this.dir, 'hot.yaml'), HANDOFF_RULES);
  }

  /** Ticks by hand only. */
  private config() {
    return alerterConfigSchema.parse({
      rules: [this.dir],
      eval_interval: '1h',
      watch: false,
      reload_on_sighup: false,
    });
  }

  async close(): Promise<void> {
    for (const o of this.open.splice(0)) {
      await o.alerter.stop();
      await o.bus.close();
      o.store.close();
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * A replica. Another one's partitions are often assigned here without a revocation there (it
   * "died"), so the wait for a release (fence.ts) is short unless `handoverWaitMs` says otherwise.
   */
  replica(opts: ReplicaOptions = {}) {
    const clock = new ManualClock(T0);
    const bus = new MemoryBus();
    const store = StateStore.open(':memory:');
    const got: AlertTransition[] = [];
    const adopted: AdoptedAlert[] = [];
    const released: string[] = [];
    const inner = createKafkaHandoff({
      stateTopic: this.topic,
      logger: silentLogger(),
      clock,
      onAdopted: (a) => void adopted.push(...a),
      onReleased: (keys) => void released.push(...keys),
      handoverWaitMs: opts.handoverWaitMs ?? 20,
      replica: opts.replica,
    });
    const { handoff, hooks } = exposeHooks(inner);
    const alerter = createAlerter({
      bus,
      store,
      clock,
      logger: silentLogger(),
      config: this.config(),
      onTransitions: opts.onTransitions ?? ((t) => Promise.resolve(void got.push(...t))),
      handoff,
    });
    this.open.push({ alerter, bus, store });
    const at = (ms: number): void => clock.set(T0 + ms);
    return {
      alerter,
      clock,
      got,
      adopted,
      released,
      handoff: inner,
      hooks,
      send: async (ms: number, service: string, value = 95) => {
        at(ms);
        await (
          await bus.publish('metric', [metric(ms, 'cpu.percent', value, service)])
        ).done;
      },
      tick: async (ms: number) => {
        at(ms);
        await alerter.tick();
      },
      beat: async (ms: number, host: string) => {
        at(ms);
        await (
          await bus.publish('heartbeat', [heartbeat(ms, host)])
        ).done;
      },
    };
  }
}
