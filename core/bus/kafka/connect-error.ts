import { LookoutError } from '../../errors';
import type { KafkaBusConfig } from './config';

/**
 * kafkajs wraps the reason a connection failed (retry errors carry it in `cause` or
 * `originalError`); users need to know which setting to fix, so the two failures a config can
 * cause, a refused SASL login and an untrusted TLS certificate, are reworded to name the keys.
 * The password is never part of the message.
 */
function findInChain(err: unknown, match: (e: Error & { type?: unknown; code?: unknown }) => boolean) {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; depth++) {
    if (match(e)) return e;
    e = (e as { cause?: unknown }).cause ?? (e as { originalError?: unknown }).originalError;
  }
  return undefined;
}

const SASL_TYPES = new Set([
  'SASL_AUTHENTICATION_FAILED',
  'UNSUPPORTED_SASL_MECHANISM',
  'ILLEGAL_SASL_STATE',
]);

/** Node's codes for a certificate it would not trust (self-signed, unknown CA, expired, wrong name). */
const CERT_CODES =
  /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_HAS_EXPIRED|ERR_TLS_CERT_ALTNAME_INVALID)$/;

/** A connect failure, reworded when the brokers refused our SASL login or their TLS certificate was not trusted. */
export function explainConnectError(err: unknown, c: KafkaBusConfig): unknown {
  const brokers = c.brokers.join(', ');
  const sasl = c.sasl;
  const refusal = sasl
    ? findInChain(err, (e) => e.name === 'KafkaJSSASLAuthenticationError' || SASL_TYPES.has(String(e.type)))
    : undefined;
  if (sasl && refusal) {
    const reason = refusal.message.split(sasl.password.reveal()).join('[redacted]');
    return new LookoutError(
      `kafka: the brokers ${brokers} refused SASL ${sasl.mechanism.toUpperCase()} login as "${sasl.username}": ` +
        `check bus.kafka.sasl.username and bus.kafka.sasl.password (and bus.kafka.sasl.mechanism). Broker said: ${reason}`,
      { retriable: false, cause: err },
    );
  }
  const untrusted = c.ssl ? findInChain(err, (e) => CERT_CODES.test(String(e.code))) : undefined;
  if (untrusted)
    return new LookoutError(
      `kafka: the TLS certificate of the brokers ${brokers} is not trusted (${untrusted.message}): ` +
        'set bus.kafka.ssl.ca_file to the PEM of the CA that signed it',
      { retriable: false, cause: err },
    );
  return err;
}
