// A small HTTP load balancer for the multi-replica load test: each request goes to the next backend in
// turn (round robin, as a Kubernetes Service spreads connections); a backend that refuses the
// connection is skipped for that request and the next one is tried, as Envoy does on connect-failure
// (a request already sent to a backend that then dies is NOT retried: the client sees 502, so nothing is
// ever executed twice by the proxy). Counts what each backend served.
import { request as httpRequest, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface RoundRobinProxy {
  readonly url: string;
  /** Requests answered by each backend (by URL), and 502s sent. */
  stats(): { readonly served: Readonly<Record<string, number>>; readonly failed: number; readonly skipped: number };
  close(): Promise<void>;
}

export async function startRoundRobinProxy(backends: readonly string[]): Promise<RoundRobinProxy> {
  let next = 0;
  const served: Record<string, number> = Object.fromEntries(backends.map((b) => [b, 0]));
  let failed = 0;
  let skipped = 0;

  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse, tries: number): void => {
    const backend = backends[next++ % backends.length]!;
    const target = new URL(req.url ?? '/', backend);
    const upstream = httpRequest(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
      served[backend] = (served[backend] ?? 0) + 1;
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      // Not connected: the request never reached the backend, so another may take it.
      if (error.code === 'ECONNREFUSED' && tries < backends.length && !res.headersSent) {
        skipped++;
        forward(req, body, res, tries + 1);
        return;
      }
      failed++;
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`upstream ${backend}: ${error.message}`);
      else res.destroy();
    });
    upstream.end(body);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => forward(req, Buffer.concat(chunks), res, 1));
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('proxy has no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    stats: () => ({ served: { ...served }, failed, skipped }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
