/**
 * TEST DOUBLE ONLY: the Kafka stand-in's SASL, one session per connection, following the Kafka
 * protocol guide (kafka.apache.org/protocol, "SASL Authentication Sequence"):
 *
 *   ApiVersions (allowed unauthenticated) → SaslHandshake v1 {mechanism} → {error, mechanisms}
 *   → SaslAuthenticate v0/v1 {auth_bytes} → {error, error_message, auth_bytes[, session_lifetime_ms]}
 *   (repeated while the mechanism needs more rounds: SCRAM takes two, PLAIN one)
 *
 * Any other request before authentication closes the connection, and so does a refused
 * authentication, right after its SASL_AUTHENTICATION_FAILED (58) answer: what a broker does.
 */
import { Reader, Writer } from './codec';
import { ScramServerExchange, scramCredential, type ScramHash } from './sasl-scram';

export type SaslMechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

export interface SaslOptions {
  mechanisms: SaslMechanism[];
  /** user name → password */
  users: Record<string, string>;
}

const ERR_UNSUPPORTED_SASL_MECHANISM = 33;
const ERR_ILLEGAL_SASL_STATE = 34;
const ERR_SASL_AUTHENTICATION_FAILED = 58;

/** The broker-wide part: mechanisms and credentials (SCRAM keeps only salted keys). */
export class SaslConfig {
  readonly mechanisms: SaslMechanism[];
  private readonly plain: Map<string, string>;
  /** Kafka keeps SCRAM credentials per mechanism: salted keys of each hash. */
  readonly scram: Record<ScramHash, Map<string, ReturnType<typeof scramCredential>>>;

  constructor(opts: SaslOptions) {
    this.mechanisms = opts.mechanisms;
    this.plain = new Map(Object.entries(opts.users));
    const keys = (hash: ScramHash) =>
      new Map(Object.entries(opts.users).map(([u, p]) => [u, scramCredential(p, hash)]));
    this.scram = { sha256: keys('sha256'), sha512: keys('sha512') };
  }

  checkPlain(user: string, password: string): boolean {
    return this.plain.has(user) && this.plain.get(user) === password;
  }
}

/** One connection's SASL state. `closeAfterReply` tells the server to hang up after answering. */
export class SaslSession {
  authenticated = false;
  closeAfterReply = false;
  private mechanism?: SaslMechanism;
  private scram?: ScramServerExchange;

  constructor(private readonly config: SaslConfig) {}

  handshake(r: Reader): Writer {
    const asked = r.string();
    const w = new Writer();
    const known = this.config.mechanisms.find((m) => m === asked);
    if (!known) {
      this.closeAfterReply = true;
      w.int16(ERR_UNSUPPORTED_SASL_MECHANISM);
    } else {
      this.mechanism = known;
      const hash: ScramHash | undefined =
        known === 'SCRAM-SHA-256' ? 'sha256' : known === 'SCRAM-SHA-512' ? 'sha512' : undefined;
      if (hash) this.scram = new ScramServerExchange(this.config.scram[hash], hash);
      w.int16(0);
    }
    return w.array(this.config.mechanisms, (w2, m) => w2.string(m));
  }

  authenticate(r: Reader, version: number): Writer {
    const bytes = (r.bytes() ?? Buffer.alloc(0)).toString('utf8');
    const answer = (error: number, message: string | null, reply: string) => {
      const w = new Writer().int16(error).string(message).bytes(Buffer.from(reply, 'utf8'));
      return version >= 1 ? w.int64(0) : w;
    };
    if (!this.mechanism || this.authenticated) {
      this.closeAfterReply = true;
      return answer(ERR_ILLEGAL_SASL_STATE, 'SaslAuthenticate out of sequence', '');
    }
    const step = this.mechanism === 'PLAIN' ? this.plain(bytes) : this.scram!.step(bytes);
    if ('error' in step) {
      this.closeAfterReply = true;
      return answer(ERR_SASL_AUTHENTICATION_FAILED, step.error, '');
    }
    this.authenticated = step.done;
    return answer(0, null, step.reply);
  }

  /** PLAIN (RFC 4616): authzid NUL user NUL password, in one message. */
  private plain(message: string): { reply: string; done: boolean } | { error: string } {
    const [, user = '', password = ''] = message.split('\u0000');
    if (!this.config.checkPlain(user, password))
      return { error: 'Authentication failed: Invalid username or password' };
    return { reply: '', done: true };
  }
}
