import fs from 'node:fs';
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { Logger } from '../../logger';
import type { KafkaBusConfig } from './config';
import { installGzipCodec } from './gzip';

/** kafkajs logs through our pino logger. Its ERRORs are mostly retried failures we handle, so they land as warnings. */
function logCreator(logger: Logger) {
  const log = logger.child({ component: 'kafkajs' });
  return () =>
    ({ level, log: entry }: { level: logLevel; log: { message: string; [k: string]: unknown } }) => {
      const { message, timestamp: _t, logger: _l, ...rest } = entry;
      if (level <= logLevel.WARN) log.warn(rest, message);
      else if (level === logLevel.INFO) log.debug(rest, message);
      else log.trace(rest, message);
    };
}

function sasl(c: KafkaBusConfig): SASLOptions | undefined {
  if (!c.sasl) return undefined;
  const { mechanism, username } = c.sasl;
  return { mechanism, username, password: c.sasl.password.reveal() };
}

/** One kafkajs client from the config; producers, consumers and the admin are made from it. */
export function createKafka(c: KafkaBusConfig, logger: Logger): Kafka {
  installGzipCodec();
  const ssl: KafkaConfig['ssl'] =
    typeof c.ssl === 'boolean'
      ? c.ssl
      : {
          rejectUnauthorized: c.ssl.reject_unauthorized,
          ...(c.ssl.ca_file ? { ca: [fs.readFileSync(c.ssl.ca_file, 'utf8')] } : {}),
        };
  return new Kafka({
    clientId: c.client_id,
    brokers: c.brokers,
    ssl,
    sasl: sasl(c),
    connectionTimeout: c.connection_timeout,
    requestTimeout: c.request_timeout,
    // Bounded here; the bus's own loops retry until their deadlines (delivery_timeout, forever for consumers).
    retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 5_000 },
    logLevel: logLevel.INFO,
    logCreator: logCreator(logger),
  });
}
