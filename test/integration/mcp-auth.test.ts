// Auth on HTTP (MCP authorization spec) against a real JWKS: an OIDC issuer on loopback (discovery
// document + JWKS of a freshly generated RSA key) and `gic serve --auth oauth`. Missing, expired,
// wrong-audience, wrong-issuer, badly signed and malformed tokens are refused with 401 and the
// WWW-Authenticate challenge naming the RFC 9728 metadata, which is served at both well-known paths.
// Per-tool authorization by Gerrit group: from the groups claim, or looked up in Gerrit (the demo
// snapshot) when the token has none; refusals are isError results and audited. Trusted-header mode
// behind the sidecar, and per-identity rate limits.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { jsonOf, runGic } from '../cli/run-gic.js';
import { connectHttp, startServe, type ServeProcess } from '../support/gic-mcp-process.js';

const INTENT = { action: 'allow', subjects: [{ gerritGroup: 'release-managers' }], target: { namespace: 'builds', workload: 'build-trigger' }, operations: [{ methods: ['DELETE'], paths: ['/api/builds/*'] }] };

let issuerServer: Server;
let issuer: string;
let key: CryptoKey;
let otherKey: CryptoKey;
let serve: ServeProcess;
let audience: string;

async function startIssuer(jwk: JWK): Promise<void> {
  issuerServer = createServer((req, res) => {
    if (req.url === '/.well-known/openid-configuration') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks`, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token` }));
    } else if (req.url === '/jwks') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => issuerServer.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(issuerServer.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  key = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  await startIssuer({ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' });
  serve = await startServe(['--auth', 'oauth', '--oauth-issuer', issuer, '--propose-groups', 'release-managers', '--submit-groups', 'gerrit-admins']);
  audience = `${serve.url}/mcp`;
});
afterAll(async () => {
  await serve?.stop();
  await new Promise<void>((resolve) => issuerServer?.close(() => resolve()));
});

interface TokenOptions {
  readonly sub?: string;
  readonly groups?: readonly string[] | null;
  readonly iss?: string;
  readonly aud?: string;
  readonly exp?: number;
  readonly signWith?: CryptoKey;
}

async function token(o: TokenOptions = {}): Promise<string> {
  const claims: Record<string, unknown> = { preferred_username: o.sub ?? 'carol' };
  if (o.groups !== null) claims['groups'] = o.groups ?? ['developers'];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(o.iss ?? issuer)
    .setAudience(o.aud ?? audience)
    .setSubject(o.sub ?? 'carol')
    .setIssuedAt()
    .setExpirationTime(o.exp ?? Math.floor(Date.now() / 1000) + 300)
    .sign(o.signWith ?? key);
}

async function post(headers: Record<string, string>): Promise<Response> {
  return fetch(`${serve.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }) });
}

function text(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

describe('OAuth: tokens refused with the right status and challenge', () => {
  it('serves the Protected Resource Metadata (RFC 9728) at the path-inserted and the root well-known URIs', async () => {
    for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      const res = await fetch(`${serve.url}${path}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ resource: audience, authorization_servers: [issuer], bearer_methods_supported: ['header'], resource_name: 'gic (Gerrit Istio Copilot) MCP server' });
    }
    expect((await fetch(`${serve.url}/healthz`)).status).toBe(200);
  });

  it('a request without a token: 401 with WWW-Authenticate naming the metadata, no error code', async () => {
    const res = await post({});
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${serve.url}/.well-known/oauth-protected-resource/mcp"`);
  });

  it.each([
    ['expired', { exp: Math.floor(Date.now() / 1000) - 600 }, 'the token has expired'],
    ['for another audience', { aud: 'https://other.example.com/mcp' }, 'not meant for this resource'],
    ['from another issuer', { iss: 'https://evil.example.com' }, 'another issuer'],
    ['signed with another key', { otherKey: true }, 'signature'],
  ] as const)('a token %s: 401 invalid_token with a description', async (_what, options, description) => {
    const t = await token('otherKey' in options ? { signWith: otherKey } : options);
    const res = await post({ authorization: `Bearer ${t}` });
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate') ?? '';
    expect(challenge).toContain(`resource_metadata="${serve.url}/.well-known/oauth-protected-resource/mcp"`);
    expect(challenge).toContain('error="invalid_token"');
    expect(challenge).toContain(description);
  });

  it('a malformed header or token: 401 invalid_token', async () => {
    for (const authorization of ['Basic Y2Fyb2w6cHc=', 'Bearer not.a.jwt', `Bearer ${(await token()).slice(0, -5)}`]) {
      const res = await post({ authorization });
      expect(res.status, authorization).toBe(401);
      expect(res.headers.get('www-authenticate'), authorization).toContain('error="invalid_token"');
    }
  });

  it('counts the refusals by reason in /metrics', async () => {
    const metrics = await (await fetch(`${serve.url}/metrics`)).text();
    for (const reason of ['missing', 'expired', 'audience', 'issuer', 'signature']) expect(metrics).toMatch(new RegExp(`gic_auth_failures_total\\{reason="${reason}"\\} [1-9]`));
  });
});

describe('OAuth: per-tool authorization by Gerrit group', () => {
  it('read tools for any authenticated caller; propose only for the propose groups, refused as a clear isError', async () => {
    const client = await connectHttp(serve.url, { headers: { authorization: `Bearer ${await token({ sub: 'carol', groups: ['developers'] })}` } });
    try {
      expect((await client.listTools()).tools).toHaveLength(14);
      const read = (await client.callTool({ name: 'mesh_summary', arguments: {} })) as CallToolResult;
      expect(read.isError).toBeFalsy();
      const propose = (await client.callTool({ name: 'policy_propose', arguments: { intent: INTENT } })) as CallToolResult;
      expect(propose.isError).toBe(true);
      expect(text(propose)).toContain('policy_propose needs membership in one of the Gerrit groups release-managers; user:carol is in developers');
    } finally {
      await client.close();
    }
  });

  it('a caller in the propose group may propose but not submit (submit groups)', async () => {
    const client = await connectHttp(serve.url, { headers: { authorization: `Bearer ${await token({ sub: 'erin', groups: ['release-managers'] })}` } });
    try {
      const propose = (await client.callTool({ name: 'policy_propose', arguments: { intent: INTENT } })) as CallToolResult;
      expect(propose.isError, text(propose)).toBeFalsy();
      const submit = (await client.callTool({ name: 'policy_submit_for_review', arguments: { proposal: (propose.structuredContent as { proposal: string }).proposal, confirm: true } })) as CallToolResult;
      expect(submit.isError).toBe(true);
      expect(text(submit)).toContain('needs membership in one of the Gerrit groups gerrit-admins');
    } finally {
      await client.close();
    }
  });

  it('a token without a groups claim: the Gerrit account\'s groups are looked up (dave is a release manager)', async () => {
    const client = await connectHttp(serve.url, { headers: { authorization: `Bearer ${await token({ sub: 'dave', groups: null })}` } });
    try {
      const propose = (await client.callTool({ name: 'policy_propose', arguments: { intent: INTENT } })) as CallToolResult;
      expect(propose.isError, text(propose)).toBeFalsy();
    } finally {
      await client.close();
    }
    const stranger = await connectHttp(serve.url, { headers: { authorization: `Bearer ${await token({ sub: 'mallory', groups: null })}` } });
    try {
      const propose = (await stranger.callTool({ name: 'policy_propose', arguments: { intent: INTENT } })) as CallToolResult;
      expect(propose.isError).toBe(true);
      expect(text(propose)).toContain('user:mallory is in none of them');
    } finally {
      await stranger.close();
    }
  });

  it('audits every call with the token\'s identity, refusals included', async () => {
    const run = await runGic(['audit', 'export', '-o', 'json', '--data-dir', serve.dataDir]);
    const entries = (jsonOf(run) as { entries: { actor: string; action: string; outcome: string }[] }).entries.filter((e) => e.action.startsWith('mcp:'));
    expect(entries).toEqual(expect.arrayContaining([
      expect.objectContaining({ actor: 'user:carol', action: 'mcp:policy_propose', outcome: 'refused' }),
      expect.objectContaining({ actor: 'user:erin', action: 'mcp:policy_propose', outcome: 'ok' }),
      expect.objectContaining({ actor: 'user:erin', action: 'mcp:policy_submit_for_review', outcome: 'refused' }),
      expect.objectContaining({ actor: 'user:dave', action: 'mcp:policy_propose', outcome: 'ok' }),
    ]));
  });
});

describe('trusted-header mode and rate limits', () => {
  it('accepts the claims the local sidecar forwards, refuses a request without them, and limits calls per identity', async () => {
    const trusted = await startServe(['--auth', 'trusted-header', '--host', '127.0.0.1', '--propose-groups', 'release-managers', '--rate-limit', '4']);
    try {
      const payload = (claims: Record<string, unknown>): string => Buffer.from(JSON.stringify(claims)).toString('base64url');
      const missing = await fetch(`${trusted.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' });
      expect(missing.status).toBe(401);
      const client = await connectHttp(trusted.url, { headers: { 'x-gic-jwt-payload': payload({ iss: 'https://idp.example.com', sub: 'erin', groups: ['release-managers'] }) } });
      try {
        const r = (await client.callTool({ name: 'policy_propose', arguments: { intent: INTENT } })) as CallToolResult;
        expect(r.isError, text(r)).toBeFalsy();
        // initialize + initialized + tools/call used 3 of erin's 4 calls a minute; the next two exceed it.
        await client.callTool({ name: 'mesh_summary', arguments: {} });
        await expect(client.callTool({ name: 'mesh_summary', arguments: {} })).rejects.toThrow(/429|rate limit/);
      } finally {
        await client.close().catch(() => undefined);
      }
      // Another identity has its own budget.
      const other = await fetch(`${trusted.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'x-gic-jwt-payload': payload({ sub: 'carol', groups: [] }) }, body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' });
      expect(other.status).toBe(200);
    } finally {
      await trusted.stop();
    }
  });
});
