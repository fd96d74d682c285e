import { createHash } from 'node:crypto';
import type { ContainerMeta } from '../../../core/events';
import type { DockerClient } from '../docker/client';
import type { Logger } from '../../../core/logger';
import type { Clock } from '../../../core/clock';
import type { Checkpoints } from './checkpoint-writer';
import type { LogsConfig } from './config';
import { levelFromFields, levelFromText, parseFields } from './enrich';
import { timeToMs } from './jsonfile';
import { tailMetrics } from './metrics';
import type { TailBatch, TailedLogEvent } from './tailer';
import { LABEL_PARSE } from './tailer';
import { InOrderAcks } from './acks';
import { Wakeup } from './wakeup';
import { ApiLineQueue, type ApiLine } from './api-lines';

/** A Docker time with its fraction padded to 9 digits, so times compare as strings. */
export function nanoKey(time: string): string {
  const m = /^(.{19})(?:\.(\d{1,9}))?(.*)$/.exec(time);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}${m[3]}` : time;
}

/** The two Engine API reads the fallback makes. */
export type LogsApi = Pick<DockerClient, 'inspectContainer' | 'containerLogs'>;

type ApiBatch = TailBatch & { apiKey?: { time: string; count: number } };

/**
 * The fallback for containers whose log driver has no file we can read (`local`, `journald`, or
 * a remote engine): the Engine API logs stream with timestamps. Its checkpoint is the last
 * delivered time plus how many lines shared it, and a restart asks for `since` that second and
 * skips what was delivered.
 */
export class ApiTailer {
  private removed = false;
  private readonly wake = new Wakeup();
  private readonly tag: string;
  private lastKey = '';
  private sameCount = 0;
  private failed = false;
  /** Removed and its stream read to the end: the checkpoint goes once everything is delivered. */
  private ended = false;
  private readonly acks = new InOrderAcks<ApiBatch>();
  private readonly log: Logger;

  constructor(
    private meta: ContainerMeta,
    private readonly docker: LogsApi,
    private readonly cfg: LogsConfig,
    private readonly deps: { logger: Logger; clock: Clock; host: string; checkpoints: Checkpoints },
  ) {
    this.tag = createHash('sha1').update(`${meta.id}\0api`).digest('base64url').slice(0, 20);
    this.log = deps.logger.child({ container: meta.name, containerId: meta.id.slice(0, 12), mode: 'api' });
  }

  update(meta: ContainerMeta): void {
    this.meta = meta;
  }

  remove(): void {
    this.removed = true;
    this.wake.fire();
  }

  async *batches(signal: AbortSignal): AsyncGenerator<ApiBatch> {
    const ck = this.deps.checkpoints.get(this.meta.id);
    const resume = ck?.kind === 'api' ? { key: nanoKey(ck.time), count: ck.sameTimeCount } : undefined;
    const since =
      ck?.kind === 'api'
        ? Math.floor(timeToMs(ck.time) / 1000)
        : this.cfg.start_at === 'end'
          ? Math.floor(this.deps.clock.now() / 1000)
          : 0;
    const { raw, lines } = await this.open(since, signal);
    const onAbort = () => raw.destroy();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal.aborted) {
        if (lines.size === 0) {
          if (lines.ended || this.removed) {
            this.ended = this.removed;
            this.dropCheckpointWhenSettled();
            return;
          }
          await this.wake.wait(this.cfg.poll_interval, signal);
          continue;
        }
        const events = this.toEvents(lines.take(this.cfg.batch_max_events), resume);
        tailMetrics.lines.inc({ source: 'api' }, events.length);
        if (events.length > 0)
          yield {
            events,
            position: undefined,
            readTotal: 0,
            seq: this.acks.issue(),
            apiKey: { time: this.lastKey, count: this.sameCount },
          };
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      raw.destroy();
    }
  }

  /** Follows the container's logs from `since` (whole seconds: the API takes no finer). */
  private async open(since: number, signal: AbortSignal) {
    const inspected = (await this.docker.inspectContainer(this.meta.id, signal)) as {
      Config?: { Tty?: boolean };
    };
    const raw = await this.docker.containerLogs(this.meta.id, { follow: true, since }, signal);
    const lines = new ApiLineQueue(raw, Boolean(inspected.Config?.Tty), () => this.wake.fire(), this.log);
    return { raw, lines };
  }

  private toEvents(lines: ApiLine[], resume: { key: string; count: number } | undefined): TailedLogEvent[] {
    const out: TailedLogEvent[] = [];
    const parseJson = this.meta.labels[LABEL_PARSE] === 'json' || this.cfg.parse_json_default;
    for (const l of lines) {
      const key = nanoKey(l.time);
      this.sameCount = key === this.lastKey ? this.sameCount + 1 : 1;
      this.lastKey = key;
      if (resume && (key < resume.key || (key === resume.key && this.sameCount <= resume.count))) continue;
      const ev: TailedLogEvent = {
        kind: 'log',
        host: this.deps.host,
        ts: timeToMs(l.time),
        container: this.meta,
        stream: l.stream,
        message: l.message,
        time: l.time,
        id: `${this.tag}-${key}-${this.sameCount}`,
      };
      if (l.message.includes('\uFFFD')) ev.invalidUtf8 = true;
      const fields = parseJson ? parseFields(l.message) : undefined;
      if (fields) ev.fields = fields;
      if (this.cfg.detect_level) {
        const level = (fields && levelFromFields(fields)) ?? levelFromText(l.message);
        if (level) ev.level = level;
      }
      out.push(ev);
    }
    return out;
  }

  delivered(delivered: ApiBatch): void {
    if (this.failed) return;
    const batch = this.acks.ack(delivered.seq, delivered);
    if (batch?.apiKey?.time)
      this.deps.checkpoints.put(
        this.meta.id,
        { kind: 'api', time: batch.apiKey.time, sameTimeCount: batch.apiKey.count },
        this.deps.clock.now(),
      );
    this.dropCheckpointWhenSettled();
  }

  /** Removed and everything delivered: drop the checkpoint. */
  private dropCheckpointWhenSettled(): void {
    if (this.ended && !this.failed && this.acks.settled()) this.deps.checkpoints.delete(this.meta.id);
  }

  failedDelivery(err: unknown): void {
    if (!this.failed) this.log.error({ err }, 'log batch not delivered: checkpoint frozen until restart');
    this.failed = true;
  }
}
