import fs from 'node:fs';
import { Client, type ClientOptions } from '@elastic/elasticsearch';
import type { SinkConfigOf } from '../config';

/** The client options a sink's config asks for. */
export function clientOptions(config: SinkConfigOf<'elasticsearch'>): ClientOptions {
  return {
    nodes: Array.isArray(config.url) ? config.url : [config.url],
    auth: config.api_key
      ? { apiKey: config.api_key.reveal() }
      : config.username
        ? { username: config.username, password: config.password?.reveal() ?? '' }
        : undefined,
    tls: config.ca_file ? { ca: fs.readFileSync(config.ca_file) } : undefined,
    // Retries are the delivery layer's (with spooling); the client's own would hide outages.
    maxRetries: 0,
    requestTimeout: config.request_timeout,
    // The default ('replace') deep-copies every failed request's metadata to redact it, walking
    // the multi-megabyte bulk body entry by entry: a failed 5 000-line bulk cost ~150 MB of heap
    // and seconds of CPU during an outage. 'remove' drops headers and connection details only.
    redaction: { type: 'remove' },
  };
}

export function createClient(config: SinkConfigOf<'elasticsearch'>): Client {
  return new Client(clientOptions(config));
}
