import net from 'node:net';
import type { TcpProbeConfig } from './config';
import type { ProbeResult } from './result';

/** One TCP connect with a deadline; up when the connection is accepted, then closed at once. */
export function probeTcp(cfg: TcpProbeConfig, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now();
  return new Promise<ProbeResult>((resolve) => {
    const sock = net.connect({
      host: cfg.tcp.host,
      port: cfg.tcp.port,
      signal: AbortSignal.timeout(timeoutMs),
    });
    sock.once('connect', () => {
      resolve({ up: true, latencyMs: performance.now() - started });
      sock.destroy();
    });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      resolve({
        up: false,
        latencyMs: performance.now() - started,
        error: err.name === 'AbortError' ? `no connection within ${timeoutMs} ms` : (err.code ?? err.message),
      });
      sock.destroy();
    });
  });
}
