/**
 * TEST DOUBLE ONLY, never used by the product: runs the Kafka stand-in broker on its own,
 * for the benchmark and demos on machines without Kafka.
 *
 *   npx tsx test/support/kafka-standin/cli.ts [--port 9092] [--host 127.0.0.1] [--partitions 6] [--no-create-topics]
 */
import { parseArgs } from 'node:util';
import { KafkaStandin } from './server';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '9092' },
      host: { type: 'string', default: '127.0.0.1' },
      partitions: { type: 'string', default: '3' },
      'no-create-topics': { type: 'boolean', default: false },
    },
  });
  const standin = new KafkaStandin({
    host: values.host,
    port: Number(values.port),
    defaultPartitions: Number(values.partitions),
    allowCreateTopics: !values['no-create-topics'],
  });
  await standin.start();
  process.stdout.write(`kafka stand-in (test double, not a Kafka broker) listening on ${standin.broker}\n`);
  const stop = () => void standin.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
