/**
 * TEST DOUBLE ONLY: the server side of SCRAM-SHA-512 (RFC 5802, with the hash of RFC 7677's
 * SHA-256 profile swapped for SHA-512, as Kafka's SCRAM-SHA-512 does), for the Kafka stand-in.
 * Two client messages, two answers:
 *
 *   client-first  n,,n=<user>,r=<cnonce>         → r=<cnonce><snonce>,s=<salt>,i=<iterations>
 *   client-final  c=biws,r=<nonce>,p=<proof>      → v=<server signature>
 *
 * The proof is checked the way a server does: ClientKey = proof XOR HMAC(StoredKey, AuthMessage),
 * and H(ClientKey) must equal the StoredKey kept for the user. The password itself is never kept.
 */
import crypto from 'node:crypto';

/** kafkajs refuses fewer than 4096 iterations for SHA-512 (its minIterations). */
const ITERATIONS = 4096;

interface StoredCredential {
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

const hmac = (key: Buffer, text: string): Buffer => crypto.createHmac('sha512', key).update(text).digest();

/** What Kafka keeps per SCRAM user: salt, StoredKey and ServerKey (never the password). */
export function scramCredential(password: string): StoredCredential {
  const salt = crypto.randomBytes(16);
  const salted = crypto.pbkdf2Sync(password, salt, ITERATIONS, 64, 'sha512');
  const clientKey = hmac(salted, 'Client Key');
  return {
    salt,
    storedKey: crypto.createHash('sha512').update(clientKey).digest(),
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

const REFUSED = {
  error:
    'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512',
};

export type ScramStep = { reply: string; done: boolean } | { error: string };

/** One SCRAM exchange on one connection. */
export class ScramServerExchange {
  private first?: { bare: string; serverFirst: string; nonce: string; cred: StoredCredential };

  constructor(private readonly credentials: ReadonlyMap<string, StoredCredential>) {}

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
    if (!cred || !r) return REFUSED;
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
    if (r !== nonce || !p) return REFUSED;
    const authMessage = `${bare},${serverFirst},${withoutProof}`;
    const signature = hmac(cred.storedKey, authMessage);
    const proof = Buffer.from(p, 'base64');
    if (proof.length !== signature.length) return REFUSED;
    const clientKey = Buffer.from(proof.map((b, i) => b ^ signature[i]!));
    const candidate = crypto.createHash('sha512').update(clientKey).digest();
    if (!crypto.timingSafeEqual(candidate, cred.storedKey)) return REFUSED;
    return { reply: `v=${hmac(cred.serverKey, authMessage).toString('base64')}`, done: true };
  }
}
