import fs from 'node:fs';
import http from 'node:http';

/**
 * A stand-in for dockerd's socket, for the one thing the real engine cannot safely do in a
 * shared test machine: go away and come back. It answers only what discovery asks
 * (/_ping, /containers/json, /containers/{id}/json, /events) and records every request.
 */
export class FakeEngine {
  readonly requests: Array<{ method: string; url: string }> = [];
  readonly containers = new Map<string, Record<string, unknown>>();
  private server?: http.Server;
  private streams = new Set<http.ServerResponse>();

  constructor(readonly socketPath: string) {}

  addContainer(id: string, name: string, labels: Record<string, string> = {}): void {
    this.containers.set(id, {
      Id: id,
      Name: `/${name}`,
      Config: { Image: 'fake/image:1', Labels: labels },
      LogPath: `/var/lib/docker/containers/${id}/${id}-json.log`,
      State: { Status: 'running', Running: true, Pid: 0, StartedAt: '2026-01-01T00:00:00Z' },
      HostConfig: { LogConfig: { Type: 'json-file' }, NetworkMode: 'none' },
    });
  }

  /** Sends an event to every open /events stream. */
  emit(action: string, id: string, attrs: Record<string, string> = {}, timeNano?: number): void {
    const nano = timeNano ?? Date.now() * 1e6 + this.requests.length;
    const line = JSON.stringify({
      Type: 'container',
      Action: action,
      Actor: { ID: id, Attributes: { name: id, image: 'fake/image:1', ...attrs } },
      time: Math.floor(nano / 1e9),
      timeNano: nano,
    });
    for (const s of this.streams) s.write(`${line}\n`);
  }

  get openStreams(): number {
    return this.streams.size;
  }

  async start(): Promise<void> {
    fs.rmSync(this.socketPath, { force: true });
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(this.socketPath, resolve));
  }

  /** dockerd dies: every connection is cut and the socket disappears. */
  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    for (const r of this.streams) r.destroy();
    this.streams.clear();
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
    fs.rmSync(this.socketPath, { force: true });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    this.requests.push({ method: req.method ?? '', url: req.url ?? '' });
    const path = url.pathname.replace(/^\/v[\d.]+/, '');
    const json = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (path === '/_ping') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('OK');
    } else if (path === '/containers/json') {
      json(
        200,
        [...this.containers.keys()].map((Id) => ({ Id })),
      );
    } else if (path === '/events') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      this.streams.add(res);
      res.on('close', () => this.streams.delete(res));
    } else {
      const m = /^\/containers\/([^/]+)\/json$/.exec(path);
      const c = m ? this.containers.get(m[1]!) : undefined;
      if (c) json(200, c);
      else json(404, { message: 'No such container' });
    }
  }
}
