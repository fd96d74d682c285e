import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A self-signed certificate for 127.0.0.1 (the SAN is what Node checks; without it:
 * ERR_TLS_CERT_ALTNAME_INVALID). Clients trust it through NODE_EXTRA_CA_CERTS, set before
 * Node starts, or a receiver's `ca_file`.
 */
export function makeLoopbackCert(dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-pd-cert-'))): {
  certFile: string;
  keyFile: string;
  dir: string;
} {
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '3650',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  return { certFile, keyFile, dir };
}
