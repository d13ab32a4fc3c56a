// The HTTP guards on a real Hono app (app.request): DNS-rebinding protection (Host and Origin allow-
// lists, 403), per-identity rate limits (429 with Retry-After, separate budgets), trusted headers only
// from the local sidecar, claims to caller, and the app factory's layer order (public routes answer
// before authentication, sub-apps behind it).
import fc from 'fast-check';
import { Hono, type MiddlewareHandler } from 'hono';
import { describe, expect, it } from 'vitest';

import { silentLogger } from '../log.js';
import { callerFromClaims, groupsOf } from './caller-from-claims.js';
import { createHttpApp } from './create-http-app.js';
import { hostGuard, hostName, LOOPBACK_HOSTS } from './dns-rebinding-guard.js';
import type { GicEnv } from './http-env.js';
import { rateLimit } from './rate-limit.js';
import { isLoopbackAddress, trustedHeaderAuth } from './trusted-header-auth.js';

function echoApp(...middleware: MiddlewareHandler<GicEnv>[]): Hono<GicEnv> {
  const app = new Hono<GicEnv>();
  app.use('*', async (c, next) => {
    c.set('caller', { actor: c.req.header('x-actor') ?? 'user:a', groups: [], via: 'jwt' });
    await next();
  });
  for (const m of middleware) app.use('*', m);
  app.post('/mcp', (c) => c.json({ caller: c.get('caller') }));
  return app;
}

describe('DNS-rebinding guard', () => {
  const app = echoApp(hostGuard({ allowedHosts: [...LOOPBACK_HOSTS, 'gic.gic-system.svc'] }));
  it('accepts its own host names (any port) and same-host origins', async () => {
    expect((await app.request('http://localhost:8080/mcp', { method: 'POST', headers: { host: 'localhost:8080' } })).status).toBe(200);
    expect((await app.request('http://x/mcp', { method: 'POST', headers: { host: 'gic.gic-system.svc:8080', origin: 'https://gic.gic-system.svc' } })).status).toBe(200);
    expect((await app.request('http://x/mcp', { method: 'POST', headers: { host: '[::1]:9' } })).status).toBe(200);
  });
  it('refuses a foreign Host, a foreign Origin and an opaque Origin with 403', async () => {
    for (const headers of [{ host: 'evil.example.com' }, { host: 'localhost.evil.example.com:8080' }, { host: 'localhost:8080', origin: 'http://evil.example.com' }, { host: 'localhost', origin: 'null' }, { host: 'localhost', origin: 'file://' }]) {
      const res = await app.request('http://x/mcp', { method: 'POST', headers });
      expect(res.status, JSON.stringify(headers)).toBe(403);
    }
  });
  it('reads host names as URLs do, never throwing on junk', () => {
    expect(hostName('Example.COM:80')).toBe('example.com');
    expect(hostName('[::1]:8080')).toBe('[::1]');
    fc.assert(fc.property(fc.string(), (s) => {
      const name = hostName(s);
      expect(name === undefined || typeof name === 'string').toBe(true);
    }));
  });
});

describe('rate limit', () => {
  it('gives each identity its own budget and answers 429 with Retry-After over it', async () => {
    let now = 0;
    const app = echoApp(rateLimit({ perMinute: 2, now: () => now }));
    const post = (actor: string) => app.request('http://x/mcp', { method: 'POST', headers: { 'x-actor': actor } });
    expect((await post('user:a')).status).toBe(200);
    expect((await post('user:a')).status).toBe(200);
    const limited = await post('user:a');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('30');
    expect((await post('user:b')).status).toBe(200);
    now += 30_000;
    expect((await post('user:a')).status).toBe(200);
  });
});

describe('trusted-header authentication', () => {
  const payload = Buffer.from(JSON.stringify({ sub: 'erin', groups: ['release-managers'] })).toString('base64url');
  const appFrom = (peer: string) => {
    const app = new Hono<GicEnv>();
    app.use('*', trustedHeaderAuth({ header: 'x-gic-jwt-payload', groupsClaim: 'groups', peerAddress: () => peer }));
    app.post('/mcp', (c) => c.json(c.get('caller')));
    return app;
  };
  it('accepts the forwarded payload from the local sidecar (127.0.0.6, ::1)', async () => {
    for (const peer of ['127.0.0.6', '::1', '::ffff:127.0.0.1']) {
      const res = await appFrom(peer).request('http://x/mcp', { method: 'POST', headers: { 'x-gic-jwt-payload': payload } });
      expect(res.status, peer).toBe(200);
      expect(await res.json()).toEqual({ actor: 'user:erin', groups: ['release-managers'], via: 'trusted-header' });
    }
  });
  it('never trusts the header from any other peer, and refuses a missing or junk payload', async () => {
    for (const peer of ['10.0.0.7', '192.168.1.1', '::ffff:10.0.0.1', '']) {
      expect((await appFrom(peer).request('http://x/mcp', { method: 'POST', headers: { 'x-gic-jwt-payload': payload } })).status, peer).toBe(401);
    }
    expect((await appFrom('127.0.0.6').request('http://x/mcp', { method: 'POST' })).status).toBe(401);
    expect((await appFrom('127.0.0.6').request('http://x/mcp', { method: 'POST', headers: { 'x-gic-jwt-payload': 'e30' } })).status).toBe(401);
    expect(isLoopbackAddress('127.1.2.3')).toBe(true);
    expect(isLoopbackAddress('128.0.0.1')).toBe(false);
  });
});

describe('claims to caller', () => {
  it('prefers preferred_username, reads groups as a list or a string, ignores other shapes', () => {
    expect(callerFromClaims({ sub: 'u-1', preferred_username: 'carol', groups: ['a', 2, 'b'] }, { groupsClaim: 'groups' }, 'jwt')).toEqual({ actor: 'user:carol', groups: ['a', 'b'], via: 'jwt' });
    expect(callerFromClaims({ sub: 'u-1', roles: 'a b,c' }, { groupsClaim: 'roles' }, 'jwt')?.groups).toEqual(['a', 'b', 'c']);
    expect(callerFromClaims({ groups: ['a'] }, { groupsClaim: 'groups' }, 'jwt')).toBeUndefined();
    fc.assert(fc.property(fc.jsonValue(), (v) => Array.isArray(groupsOf({ groups: v }, 'groups'))));
  });
});

describe('the HTTP app factory', () => {
  it('answers public routes before authentication and puts sub-apps behind it', async () => {
    const pub = new Hono<GicEnv>();
    pub.get('/healthz', (c) => c.text('ok'));
    const sub = new Hono<GicEnv>();
    sub.get('/api/whoami', (c) => c.json(c.get('caller')));
    const app = createHttpApp({
      logger: silentLogger,
      publicApps: [pub],
      authenticate: async (c, next) => {
        if (c.req.header('authorization') !== 'Bearer ok') return c.text('no', 401);
        c.set('caller', { actor: 'user:ok', groups: [], via: 'jwt' });
        await next();
        return undefined;
      },
      apps: [sub],
    });
    expect((await app.request('/healthz')).status).toBe(200);
    expect((await app.request('/api/whoami')).status).toBe(401);
    const who = await app.request('/api/whoami', { headers: { authorization: 'Bearer ok' } });
    expect(await who.json()).toMatchObject({ actor: 'user:ok' });
    expect(who.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect((await app.request('/nope', { headers: { authorization: 'Bearer ok' } })).status).toBe(404);
  });
});
