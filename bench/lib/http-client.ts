// A minimal HTTP/1.1 client for latency runs: node:http over one kept-alive connection, the body read whole. Leaner
// than fetch, so that what a request costs is the server's work and the loopback, not the client's machinery.
import http from 'node:http';

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

export class KeepAliveClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  request(method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: string): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: this.host, port: this.port, method, path, agent: this.agent, headers: { ...headers, 'content-length': String(body ? Buffer.byteLength(body) : 0) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
