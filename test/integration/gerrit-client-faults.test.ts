// The Gerrit client's failure handling over real sockets, against a small local HTTP server that
// misbehaves on purpose: 429 and 503 with Retry-After, a server too slow for the timeout, a refused
// connection, a non-idempotent call that must not be retried, and a caller's AbortSignal.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { GerritApiError } from '../../src/gerrit/gerrit-api-error.js';
import { GerritClient } from '../../src/gerrit/gerrit-client.js';

type Handler = (request: IncomingMessage, response: ServerResponse, count: number) => void;

const servers: Server[] = [];
const clients: GerritClient[] = [];

async function serve(handler: Handler): Promise<{ url: string; hits: () => number; paths: string[] }> {
  let count = 0;
  const paths: string[] = [];
  const server = createServer((request, response) => {
    count++;
    paths.push(`${request.method ?? ''} ${request.url ?? ''} ${request.headers.authorization ?? ''}`);
    request.resume();
    handler(request, response, count);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, hits: () => count, paths };
}

function json(response: ServerResponse, value: unknown): void {
  response.writeHead(200, { 'content-type': 'application/json' }).end(`)]}'\n${JSON.stringify(value)}`);
}

function client(url: string, options: Partial<ConstructorParameters<typeof GerritClient>[0] & object> = {}): GerritClient {
  const created = new GerritClient({ baseUrl: url, credentials: { username: 'bot', password: 's3cret' }, retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 5_000 }, ...options });
  clients.push(created);
  return created;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe('Gerrit client failure handling', () => {
  it('retries a 429 after the Retry-After seconds, then succeeds; sends basic auth on /a/', async () => {
    const server = await serve((_req, res, n) => {
      if (n === 1) res.writeHead(429, { 'retry-after': '1', 'content-type': 'text/plain' }).end('Too many requests');
      else json(res, '3.9.4');
    });
    const gerrit = client(server.url);
    const began = performance.now();
    expect(await gerrit.getServerVersion()).toBe('3.9.4');
    const waited = performance.now() - began;
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(waited).toBeLessThan(4_000);
    expect(server.hits()).toBe(2);
    expect(gerrit.transport.stats).toEqual({ requests: 2, retries: 1 });
    expect(server.paths[0]).toBe(`GET /a/config/server/version Basic ${Buffer.from('bot:s3cret').toString('base64')}`);
  });

  it('honours an HTTP-date Retry-After on 503 and gives up after maxAttempts with a retryable error', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(503, { 'retry-after': new Date(Date.now() + 1_000).toUTCString() }).end('maintenance');
    });
    const gerrit = client(server.url, { retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 400 } });
    const began = performance.now();
    const error = await gerrit.getGroup('x').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, code: 'gerrit-unavailable', retryable: true, attempts: 3, body: 'maintenance' });
    expect(server.hits()).toBe(3);
    // The HTTP-date asks for up to ~1 s, capped at maxDelayMs (400): two waits of at most 400 ms.
    expect(performance.now() - began).toBeLessThan(2_000);
  });

  it('does not retry a non-idempotent call (POST /changes/) on 503', async () => {
    const server = await serve((_req, res) => res.writeHead(503).end('busy'));
    const gerrit = client(server.url);
    const error = await gerrit.createChange({ project: 'p', branch: 'master', subject: 's' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, retryable: true, attempts: 1 });
    expect(server.hits()).toBe(1);
  });

  it('times out a slow server, retrying idempotent calls, and reports gerrit-timeout', async () => {
    const server = await serve((_req, res, n) => {
      setTimeout(() => {
        if (!res.destroyed) json(res, `slow ${n}`);
      }, 2_000);
    });
    const gerrit = client(server.url, { timeoutMs: 300, retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 50 } });
    const began = performance.now();
    const error = await gerrit.getServerVersion().catch((e: unknown) => e);
    const elapsed = performance.now() - began;
    expect(GerritApiError.isGerritApiError(error)).toBe(true);
    expect(error).toMatchObject({ status: 0, code: 'gerrit-timeout', retryable: true, attempts: 2 });
    expect(server.hits()).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(550);
    expect(elapsed).toBeLessThan(1_900);
  });

  it('recovers when a slow first answer times out and the retry is fast', async () => {
    const server = await serve((_req, res, n) => {
      if (n === 1) setTimeout(() => !res.destroyed && json(res, 'late'), 2_000);
      else json(res, 'on time');
    });
    const gerrit = client(server.url, { timeoutMs: 300 });
    expect(await gerrit.getServerVersion()).toBe('on time');
    expect(server.hits()).toBe(2);
  });

  it('reports a refused connection as retryable gerrit-unavailable after the retries', async () => {
    const server = await serve((_req, res) => res.end());
    const url = server.url;
    await new Promise<void>((resolve) => servers.pop()?.close(() => resolve()));
    const gerrit = client(url, { retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 } });
    const error = await gerrit.getServerVersion().catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 0, code: 'gerrit-unavailable', retryable: true, attempts: 3 });
    expect((error as GerritApiError).body).toContain('ECONNREFUSED');
  });

  it("stops at once when the caller's AbortSignal fires, without retrying", async () => {
    const server = await serve((_req, res) => setTimeout(() => !res.destroyed && json(res, 'x'), 3_000));
    const gerrit = client(server.url, { timeoutMs: 10_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('caller gave up')), 200);
    const began = performance.now();
    const error = await gerrit.getServerVersion({ signal: controller.signal }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('caller gave up');
    expect(performance.now() - began).toBeLessThan(1_500);
    expect(server.hits()).toBe(1);
  });

  it('rejects a 200 answer whose JSON does not fit the schema as gerrit-bad-response', async () => {
    const server = await serve((_req, res) => json(res, { id: 42 }));
    const error = await client(server.url).getGroup('x').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 200, code: 'gerrit-bad-response', retryable: false });
  });

  it('URL-encodes ids in paths and keeps a base-URL path prefix', async () => {
    const server = await serve((_req, res) => json(res, { id: 'global%3ARegistered-Users', name: 'Registered Users' }));
    const gerrit = client(`${server.url}r/`);
    await gerrit.getGroup('global:Registered-Users');
    await gerrit.listFiles('platform/mesh~12', 'current').catch(() => undefined);
    expect(server.paths[0]).toMatch(/^GET \/r\/a\/groups\/global%3ARegistered-Users /);
    expect(server.paths[1]).toMatch(/^GET \/r\/a\/changes\/platform%2Fmesh~12\/revisions\/current\/files\/ /);
  });
});
