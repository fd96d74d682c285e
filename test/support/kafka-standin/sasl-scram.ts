/**
 * TEST DOUBLE ONLY: the server side of SCRAM-SHA-256 (RFC 7677) and SCRAM-SHA-512 (the same with
 * SHA-512, as Kafka's SCRAM-SHA-512 does; RFC 5802 is the frame), for the Kafka stand-in.
 * Two client messages, two answers:
 *
 *   client-first  n,,n=<user>,r=<cnonce>         → r=<cnonce><snonce>,s=<salt>,i=<iterations>
 *   client-final  c=biws,r=<nonce>,p=<proof>      → v=<server signature>
 *
 * The proof is checked the way a server does: ClientKey = proof XOR HMAC(StoredKey, AuthMessage),
 * and H(ClientKey) must equal the StoredKey kept for the user. The password itself is never kept.
 */
import crypto from 'node:crypto';

/** kafkajs refuses fewer than 4096 iterations for either hash (its minIterations). */
const ITERATIONS = 4096;

export type ScramHash = 'sha256' | 'sha512';
const KEY_BYTES: Record<ScramHash, number> = { sha256: 32, sha512: 64 };

interface StoredCredential {
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

const hmacOf =
  (hash: ScramHash) =>
  (key: Buffer, text: string): Buffer =>
    crypto.createHmac(hash, key).update(text).digest();

/** What Kafka keeps per SCRAM user and mechanism: salt, StoredKey and ServerKey (never the password). */
export function scramCredential(password: string, hash: ScramHash = 'sha512'): StoredCredential {
  const hmac = hmacOf(hash);
  const salt = crypto.randomBytes(16);
  const salted = crypto.pbkdf2Sync(password, salt, ITERATIONS, KEY_BYTES[hash], hash);
  const clientKey = hmac(salted, 'Client Key');
  return {
    salt,
    storedKey: crypto.createHash(hash).update(clientKey).digest(),
    serverKey: hmac(salted, 'Server Key'),
  };
}

/** `a=1,b=2` → {a: '1', b: '2'}; values may contain `=` (base64). */
function attributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i)] = part.slice(i + 1);
  }
  return out;
}

const refused = (hash: ScramHash) => ({
  error: `Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-${hash === 'sha256' ? 'SHA-256' : 'SHA-512'}`,
});

export type ScramStep = { reply: string; done: boolean } | { error: string };

/** One SCRAM exchange on one connection. */
export class ScramServerExchange {
  private first?: { bare: string; serverFirst: string; nonce: string; cred: StoredCredential };

  private readonly hmac: (key: Buffer, text: string) => Buffer;
  private readonly REFUSED: { error: string };

  constructor(
    private readonly credentials: ReadonlyMap<string, StoredCredential>,
    private readonly hash: ScramHash = 'sha512',
  ) {
    this.hmac = hmacOf(hash);
    this.REFUSED = refused(hash);
  }

  step(message: string): ScramStep {
    return this.first ? this.final(message) : this.start(message);
  }

  private start(message: string): ScramStep {
    // The GS2 header ("n,," or "n,a=<authzid>,") is everything up to the second comma.
    const bare = message.split(',').slice(2).join(',');
    const { n, r } = attributes(bare);
    // SCRAM escapes "," and "=" in user names as =2C and =3D.
    const user = (n ?? '').replace(/=2C/g, ',').replace(/=3D/g, '=');
    const cred = this.credentials.get(user);
    if (!cred || !r) return this.REFUSED;
    const nonce = r + crypto.randomBytes(18).toString('base64');
    const serverFirst = `r=${nonce},s=${cred.salt.toString('base64')},i=${ITERATIONS}`;
    this.first = { bare, serverFirst, nonce, cred };
    return { reply: serverFirst, done: false };
  }

  private final(message: string): ScramStep {
    const { bare, serverFirst, nonce, cred } = this.first!;
    const proofAt = message.lastIndexOf(',p=');
    const withoutProof = proofAt < 0 ? message : message.slice(0, proofAt);
    const { r, p } = attributes(message);
    if (r !== nonce || !p) return this.REFUSED;
    const authMessage = `${bare},${serverFirst},${withoutProof}`;
    const signature = this.hmac(cred.storedKey, authMessage);
    const proof = Buffer.from(p, 'base64');
    if (proof.length !== signature.length) return this.REFUSED;
    const clientKey = Buffer.from(proof.map((b, i) => b ^ signature[i]!));
    const candidate = crypto.createHash(this.hash).update(clientKey).digest();
    if (!crypto.timingSafeEqual(candidate, cred.storedKey)) return this.REFUSED;
    return { reply: `v=${this.hmac(cred.serverKey, authMessage).toString('base64')}`, done: true };
  }
}
