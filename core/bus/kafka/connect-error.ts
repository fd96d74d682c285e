import { LookoutError } from '../../errors';
import type { KafkaBusConfig } from './config';

/**
 * kafkajs reports a refused login as a KafkaJSSASLAuthenticationError (or a protocol error
 * SASL_AUTHENTICATION_FAILED), sometimes wrapped in a retry error's `cause`. Users need to know
 * which setting to fix, so the error names the config keys, the mechanism and the user name,
 * never the password.
 */
function isSaslRefusal(err: unknown): err is Error {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; depth++) {
    const type = (e as { type?: unknown }).type;
    if (e.name === 'KafkaJSSASLAuthenticationError' || type === 'SASL_AUTHENTICATION_FAILED') return true;
    if (type === 'UNSUPPORTED_SASL_MECHANISM') return true;
    e = (e as { cause?: unknown }).cause ?? (e as { originalError?: unknown }).originalError;
  }
  return false;
}

/** A connect failure, reworded when it is the brokers refusing our SASL login. */
export function explainConnectError(err: unknown, c: KafkaBusConfig): unknown {
  if (!c.sasl || !isSaslRefusal(err)) return err;
  const mechanism = c.sasl.mechanism.toUpperCase();
  const reason = err.message.split(c.sasl.password.reveal()).join('[redacted]');
  return new LookoutError(
    `kafka: the brokers ${c.brokers.join(', ')} refused SASL ${mechanism} login as "${c.sasl.username}": ` +
      `check bus.kafka.sasl.username and bus.kafka.sasl.password (and bus.kafka.sasl.mechanism). Broker said: ${reason}`,
    { retriable: false, cause: err },
  );
}
