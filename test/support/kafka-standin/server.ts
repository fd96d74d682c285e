/**
 * TEST DOUBLE ONLY, never used by the product: a single-node, in-memory Kafka broker that
 * speaks just enough of the protocol for kafkajs 2.2.4 (see handlers.ts for the list).
 * Tests and the benchmark start it on a loopback port; `stop()` closes the listener and drops
 * every connection but keeps the logs, committed offsets and groups, so a test can take the
 * "broker" away and bring it back on the same port as a broker outage would.
 *
 *   client ──TCP──► frame (int32 size) ──► header v1 ──► HANDLERS[apiKey] ──► response frame
 *   one request at a time per connection, in order, as Kafka does
 */
import net from 'node:net';
import tls from 'node:tls';
import { Reader, Writer } from './codec';
import { GroupCoordinator } from './group';
import { API, HANDLERS, SUPPORTED, type BrokerContext } from './handlers';
import { ERR, TopicStore } from './log';
import { SaslConfig, SaslSession, type SaslOptions } from './sasl';

export interface StandinOptions {
  host?: string;
  /** 0 picks a free port at the first start; later starts reuse the port. */
  port?: number;
  /** Partitions for a CreateTopics that says -1, and for auto-created topics. */
  defaultPartitions?: number;
  /** false: CreateTopics answers TOPIC_AUTHORIZATION_FAILED, like a cluster whose ACLs forbid it. */
  allowCreateTopics?: boolean;
  autoCreateTopics?: boolean;
  /** Topics to have from the start: name -> partitions. */
  topics?: Record<string, number>;
  /** A TLS listener instead of plain TCP (PEM strings; see test/support/pagerduty-cert.ts). */
  tls?: { cert: string; key: string };
  /** Require SASL before any other request (see sasl.ts). */
  sasl?: SaslOptions;
}

export class KafkaStandin {
  readonly store = new TopicStore();
  readonly groups = new GroupCoordinator();
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private stopCtl = new AbortController();
  private producerIds = 1000n;
  host: string;
  port: number;
  readonly nodeId = 1;
  allowCreateTopics: boolean;
  private readonly autoCreateTopics: boolean;
  private readonly defaultPartitions: number;
  private readonly tls?: { cert: string; key: string };
  private readonly sasl?: SaslConfig;

  constructor(opts: StandinOptions = {}) {
    this.host = opts.host ?? '127.0.0.1';
    this.port = opts.port ?? 0;
    this.defaultPartitions = opts.defaultPartitions ?? 3;
    this.allowCreateTopics = opts.allowCreateTopics ?? true;
    this.autoCreateTopics = opts.autoCreateTopics ?? false;
    for (const [name, n] of Object.entries(opts.topics ?? {})) this.store.create(name, n);
    this.tls = opts.tls;
    this.sasl = opts.sasl ? new SaslConfig(opts.sasl) : undefined;
  }

  /** `host:port`, for kafkajs `brokers`. */
  get broker(): string {
    return `${this.host}:${this.port}`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  async start(): Promise<this> {
    if (this.server) return this;
    this.stopCtl = new AbortController();
    const server = this.tls
      ? tls.createServer({ cert: this.tls.cert, key: this.tls.key }, (s) => this.accept(s))
      : net.createServer((s) => this.accept(s));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
    this.groups.start();
    return this;
  }

  /** Closes the listener and every connection; the data stays for the next `start()`. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.stopCtl.abort();
    this.groups.stop();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Every record batch of a partition, as stored (for tests of the encoding). */
  batches(topic: string, partition: number): Buffer[] {
    return this.store.partition(topic, partition)?.batches.map((b) => b.bytes) ?? [];
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const closed = new AbortController();
    const stopSignal = this.stopCtl.signal;
    const signal = AbortSignal.any([closed.signal, stopSignal]);
    let parts: Buffer[] = [];
    let have = 0;
    let want = 4; // bytes to have before parsing is worth it: a size, or the whole frame it announced
    let chain: Promise<void> = Promise.resolve();
    const session = this.sasl ? new SaslSession(this.sasl) : undefined;
    socket.on('data', (chunk: Buffer) => {
      parts.push(chunk);
      have += chunk.length;
      // A produce request of a few MB arrives in many chunks: join them once, not once per chunk.
      if (have < want) return;
      let pending = parts.length === 1 ? parts[0]! : Buffer.concat(parts, have);
      while (pending.length >= 4) {
        const size = pending.readInt32BE(0);
        if (pending.length < 4 + size) break;
        const frame = pending.subarray(4, 4 + size);
        pending = pending.subarray(4 + size);
        chain = chain
          .then(() => this.handle(frame, socket, signal, session))
          .catch(() => {
            socket.destroy();
          });
      }
      parts = pending.length > 0 ? [pending] : [];
      have = pending.length;
      want = pending.length >= 4 ? 4 + pending.readInt32BE(0) : 4;
    });
    const gone = () => {
      closed.abort();
      this.sockets.delete(socket);
    };
    socket.on('close', gone);
    socket.on('error', gone);
  }

  private async handle(
    frame: Buffer,
    socket: net.Socket,
    signal: AbortSignal,
    session: SaslSession | undefined,
  ): Promise<void> {
    const r = new Reader(frame);
    const apiKey = r.int16();
    const version = r.int16();
    const correlationId = r.int32();
    const clientId = r.nullableString() ?? '';
    const supported = SUPPORTED.find(([k]) => k === apiKey);
    const handler = HANDLERS.get(apiKey);
    let body: Writer | null;
    const saslStep = apiKey === API.SaslHandshake || apiKey === API.SaslAuthenticate;
    if (session && !session.authenticated && !saslStep && apiKey !== API.ApiVersions)
      throw new Error(`stand-in: api ${apiKey} before SASL authentication`); // the broker hangs up
    if (saslStep && session) {
      body = apiKey === API.SaslHandshake ? session.handshake(r) : session.authenticate(r, version);
    } else if (saslStep) {
      // No SASL on this listener: a handshake hears that no mechanism is enabled.
      if (apiKey !== API.SaslHandshake) throw new Error('stand-in: SaslAuthenticate without SASL');
      body = new Writer().int16(33).int32(0);
    } else if (!supported || !handler || version < supported[1] || version > supported[2]) {
      // Only ApiVersions has a defined answer to an unknown version; anything else is a client bug here.
      if (apiKey !== API.ApiVersions) throw new Error(`stand-in: unsupported api ${apiKey} v${version}`);
      body = new Writer()
        .int16(ERR.UNSUPPORTED_VERSION)
        .array(SUPPORTED, (w, [k, min, max]) => w.int16(k).int16(min).int16(max));
    } else {
      const ctx: BrokerContext = {
        store: this.store,
        groups: this.groups,
        nodeId: this.nodeId,
        host: this.host,
        port: this.port,
        defaultPartitions: this.defaultPartitions,
        allowCreateTopics: this.allowCreateTopics,
        autoCreateTopics: this.autoCreateTopics,
        clientId,
        clientHost: `/${socket.remoteAddress ?? ''}`,
        signal,
        nextProducerId: () => this.producerIds++,
      };
      body = await handler(r, ctx, version);
    }
    if (body === null || signal.aborted) return;
    const payload = body.toBuffer();
    const head = Buffer.allocUnsafe(8); // size, then the correlation id; the body follows uncopied
    head.writeInt32BE(4 + payload.length, 0);
    head.writeInt32BE(correlationId, 4);
    socket.cork();
    socket.write(head);
    socket.write(payload);
    socket.uncork();
    if (session?.closeAfterReply) socket.end();
  }
}

/** Starts a stand-in; `await using`-free helper for tests: remember to `stop()` it. */
export async function startStandin(opts: StandinOptions = {}): Promise<KafkaStandin> {
  return new KafkaStandin(opts).start();
}
