/**
 * The event model: what the collector produces and the alerter consumes, in process or
 * through Kafka. Plain JSON-serialisable objects, so every bus and sink can carry them as-is.
 */

/** What we know of a container when an event is made (from the discovery cache). */
export interface ContainerMeta {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  /** com.docker.compose.project, when the container belongs to a compose project. */
  composeProject?: string;
  /** com.docker.compose.service. */
  composeService?: string;
  /** The service a rule groups by: `lookout.service` label, else the compose service, else the name. */
  service: string;
}

interface EventBase {
  /** The Docker host the event is about (the collector's host name). */
  host: string;
  /** Event time, ms since the epoch. Rules evaluate on this, not on arrival. */
  ts: number;
}

export type LogStream = 'stdout' | 'stderr';

/**
 * Set (on the prototype, never as an own field) by a source that knows a log event's `message`,
 * `id` and `time` hold nothing JSON would escape: a sink may then quote them as they are, which
 * is what JSON.stringify would write anyway (issue 16: the regex test and stringify call per line
 * were a tenth of bench:tail's CPU). Being no own field, it is not serialised, and a copy made
 * by spreading or by reading the spool back simply loses it: the sink then escapes as usual.
 */
export const TEXT_IS_PLAIN_JSON: unique symbol = Symbol('lookout.textIsPlainJson');

export interface LogEvent extends EventBase {
  kind: 'log';
  container: ContainerMeta;
  stream: LogStream;
  /** The line without its trailing newline. Invalid UTF-8 is kept as U+FFFD with `invalidUtf8` set. */
  message: string;
  /** Docker's own RFC 3339 time with nanoseconds, as written in the json-file log. */
  time: string;
  /** Deterministic id: container, file identity and offset. A replayed line gets the same id. */
  id: string;
  /** Set when the line had bytes that are not valid UTF-8. */
  invalidUtf8?: true;
  /** Fields parsed from a JSON log line, when parsing is enabled for the container. */
  fields?: Record<string, unknown>;
  /** Level parsed from the line (`error`, `warn`...), when it could be found. */
  level?: string;
  /** Set when the line was cut at `max_line_bytes`. */
  truncated?: true;
  /** See TEXT_IS_PLAIN_JSON: true only through the prototype of a source's own event class. */
  readonly [TEXT_IS_PLAIN_JSON]?: true;
}

/**
 * One number about one thing at one time. `name` is a dotted metric name such as
 * `cpu.percent`, `mem.usage_bytes`, `probe.up`; labels say which container, target, etc.
 */
export interface MetricSample extends EventBase {
  kind: 'metric';
  name: string;
  value: number;
  /** Graphite/StatsD type hint: a gauge is a level, a counter a monotonically growing total. */
  type: 'gauge' | 'counter';
  container?: ContainerMeta;
  labels?: Record<string, string>;
  /**
   * Where a fleet files the alert states this sample's groups make (the state topic's routing
   * key), when not its service or host: a Graphite rule's samples carry the rule's own key, so
   * its states live in the partition whose owner polls it (alerter/graphite/ownership.ts).
   */
  route?: string;
}

export type LifecycleAction =
  | 'create'
  | 'start'
  | 'die'
  | 'oom'
  | 'kill'
  | 'stop'
  | 'restart'
  | 'pause'
  | 'unpause'
  | 'health_status'
  | 'destroy';

export interface LifecycleEvent extends EventBase {
  kind: 'lifecycle';
  action: LifecycleAction;
  container: ContainerMeta;
  /** For `die`: the exit code as a number. */
  exitCode?: number;
  /** For `kill`: the signal name or number as Docker reports it. */
  signal?: string;
  /** For `health_status`. */
  health?: 'healthy' | 'unhealthy' | 'starting';
  /** For `die`: the container was OOM-killed (from inspect, or an `oom` just before). */
  oomKilled?: boolean;
  /**
   * For `die`: Docker's RestartCount from inspect after the event (the engine counts the restart
   * its policy is about to make before it sends `die`). Absent when the container is gone.
   */
  restartCount?: number;
  /**
   * For `die`: the last lines the container printed, oldest first, read from the engine at the
   * `die` (they can reach the alerter after it). Bounded by LAST_LINES_MAX and
   * LAST_LINES_MAX_BYTES, control characters replaced and invalid UTF-8 as U+FFFD.
   */
  lastLines?: string[];
  /**
   * Why the container went away, when the collector can tell: `user` for `docker stop`/`rm`/`kill`
   * by a person or a deploy, which must not page; undefined when it died on its own.
   */
  intent?: 'user';
}

/** How many lines a `die` carries: the 50, enough to see a stack trace. */
export const LAST_LINES_MAX = 50;
/** Each line is cut at this many characters: 50 of them fit a PagerDuty event with room to spare. */
export const LAST_LINE_MAX_CHARS = 400;
/** Their total size in UTF-8, so a PagerDuty event and a Kafka message stay small. */
export const LAST_LINES_MAX_BYTES = 16 * 1024;

export interface Heartbeat extends EventBase {
  kind: 'heartbeat';
  /** Which process sends it, e.g. `collector`. */
  source: string;
  /** Containers the collector is watching now (the inventory absence rules judge against). */
  containers: ContainerMeta[];
  version: string;
}

export type LookoutEvent = LogEvent | MetricSample | LifecycleEvent | Heartbeat;
export type EventKind = LookoutEvent['kind'];

/** Bus topics, one per event kind. */
export const TOPICS = ['log', 'metric', 'lifecycle', 'heartbeat'] as const satisfies readonly EventKind[];
export type Topic = (typeof TOPICS)[number];

export type EventOf<K extends EventKind> = Extract<LookoutEvent, { kind: K }>;
