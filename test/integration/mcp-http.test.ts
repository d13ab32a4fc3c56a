// `gic serve` as a user runs it: the real process on a free loopback port, the SDK's Client over
// Streamable HTTP (stateless), health, readiness and Prometheus metrics, DNS-rebinding protection
// (foreign Host or Origin: 403), the body size limit, progress and cancellation over HTTP, graceful
// SIGTERM (a call in flight finishes, then exit 0), drafting with the scripted model peer, and the
// egress guard: a configured model endpoint it refuses stops `gic serve` and `gic mcp` (exit 5).
import { request as httpRequest } from 'node:http';

import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { jsonOf, runGic } from '../cli/run-gic.js';
import { createScriptedModelServer, type ScriptedModelServer } from '../peers/model/scripted-model-server.js';
import { connectHttp, freshDataDir, serverEnv, startServe, type ServeProcess } from '../support/gic-mcp-process.js';

const REQUEST = { to: { namespace: 'builds', workload: 'build-trigger', port: 8080 }, from: { namespace: 'ci', workload: 'build-runner' }, method: 'POST', path: '/api/builds' };
const DRAFT_ANSWER = { action: 'allow', who: [{ kind: 'group', name: 'release-managers' }], namespace: 'builds', workload: 'build-trigger', methods: ['DELETE'], paths: ['/api/builds/*'] };

let model: ScriptedModelServer;
let serve: ServeProcess;
let client: Client;

beforeAll(async () => {
  model = await createScriptedModelServer({ models: ['scripted-model'] });
  serve = await startServe(['--model-url', model.baseUrl, '--model', 'scripted-model']);
  client = await connectHttp(serve.url);
});
afterAll(async () => {
  await client?.close();
  await serve?.stop();
  await model?.close();
});

/**
 * A raw HTTP request with any Host header (fetch does not let a caller set Host). `declaredLength` sends
 * only the headers, announcing that many body bytes, and waits for the answer (a server that refuses a
 * body by its Content-Length answers before reading it).
 */
function raw(url: string, options: { method?: string; path?: string; headers?: Record<string, string>; body?: string; declaredLength?: number }): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, method: options.method ?? 'POST', path: options.path ?? '/mcp', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...options.headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
        if (options.declaredLength !== undefined) req.destroy();
      });
    });
    req.on('error', reject);
    if (options.declaredLength !== undefined) {
      req.setHeader('content-length', String(options.declaredLength));
      req.flushHeaders();
      return;
    }
    req.end(options.body ?? '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}');
  });
}

function text(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

describe('gic serve: the embedded default over HTTP', () => {
  it('prints its URL and serves health, readiness and metrics', async () => {
    expect(serve.stdout()).toMatch(/^gic serve: listening on http:\/\/127\.0\.0\.1:\d+ \(MCP at http:\/\/127\.0\.0\.1:\d+\/mcp; mesh: the embedded demo mesh/);
    expect((await fetch(`${serve.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${serve.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: [{ name: 'mesh', ready: true }, { name: 'gerrit', ready: true }, { name: 'store', ready: true }] });
  });

  it('answers the SDK client over Streamable HTTP, and counts calls, outcomes and decisions in /metrics', async () => {
    expect((await client.listTools()).tools).toHaveLength(14);
    const r = (await client.callTool({ name: 'policy_check_access', arguments: { request: REQUEST } })) as CallToolResult;
    expect(r.structuredContent).toMatchObject({ decision: 'DENY', inputErrors: [] });
    const bad = (await client.callTool({ name: 'policy_check_access', arguments: { request: { to: {} } } })) as CallToolResult;
    expect(bad.isError).toBe(true);
    const metrics = await (await fetch(`${serve.url}/metrics`)).text();
    expect(metrics).toMatch(/gic_tool_calls_total\{tool="policy_check_access",outcome="ok"\} [1-9]/);
    expect(metrics).toMatch(/gic_tool_calls_total\{tool="policy_check_access",outcome="rejected"\} [1-9]/);
    expect(metrics).toMatch(/gic_decisions_total\{decision="DENY"\} [1-9]/);
    expect(metrics).toMatch(/gic_tool_call_duration_seconds_bucket\{le="0\.05",tool="policy_check_access"\}/);
    expect(metrics).toContain('gic_process_resident_memory_bytes');
  });

  it('is stateless: GET and DELETE on /mcp are 405, no session id is handed out', async () => {
    expect((await raw(serve.url, { method: 'GET', body: '' })).status).toBe(405);
    expect((await raw(serve.url, { method: 'DELETE', body: '' })).status).toBe(405);
    const init = await raw(serve.url, { body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }) });
    expect(init.status).toBe(200);
    expect(init.headers['mcp-session-id']).toBeUndefined();
  });
});

describe('gic serve: DNS rebinding, limits', () => {
  it('refuses a foreign Host or Origin with 403 and accepts its own names', async () => {
    const port = new URL(serve.url).port;
    expect((await raw(serve.url, { headers: { host: `attacker.example.com:${port}` } })).status).toBe(403);
    const foreignOrigin = await raw(serve.url, { headers: { origin: 'http://attacker.example.com' } });
    expect(foreignOrigin.status).toBe(403);
    expect(foreignOrigin.body).toContain('DNS-rebinding');
    expect((await raw(serve.url, { headers: { origin: 'null' } })).status).toBe(403);
    expect((await raw(serve.url, { headers: { host: `localhost:${port}`, origin: `http://localhost:${port}` } })).status).toBe(200);
    const metrics = await (await fetch(`${serve.url}/metrics`)).text();
    expect(metrics).toMatch(/gic_auth_failures_total\{reason="dns-rebinding-origin"\} [1-9]/);
  });

  it('refuses a body over the limit with 413 and a body that is not JSON with a parse error', async () => {
    const big = await raw(serve.url, { declaredLength: 1_100_000 });
    expect(big.status).toBe(413);
    expect(big.body).toContain('over the limit of 1048576 bytes');
    const notJson = await raw(serve.url, { body: '{"jsonrpc": "2.0", ' });
    expect(notJson.status).toBe(400);
    expect(notJson.body).toContain('-32700');
  });
});

describe('gic serve: long calls', () => {
  it('drafts with the in-cluster model (scripted peer) and reports progress over HTTP', async () => {
    model.setScript([{ kind: 'json', value: DRAFT_ANSWER }]);
    const seen: number[] = [];
    const r = (await client.callTool({ name: 'policy_draft', arguments: { text: 'let release-managers delete builds on build-trigger' } }, undefined, { onprogress: (p) => seen.push(p.progress) })) as CallToolResult;
    expect(r.isError, text(r)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ verified: true, questions: [], proposal: expect.any(String) });
    expect(seen.length).toBeGreaterThanOrEqual(3);
    const metrics = await (await fetch(`${serve.url}/metrics`)).text();
    expect(metrics).toMatch(/gic_model_calls_total\{outcome="ok"\} [1-9]/);
    expect(metrics).toMatch(/gic_model_tokens_total\{kind="prompt"\} [1-9]/);
    expect(metrics).toMatch(/gic_http_requests_total\{route="\/mcp",status="200"\} [1-9]/);
  });

  it('cancels a call when the client sends notifications/cancelled (a separate POST), and audits it', async () => {
    model.setScript([{ kind: 'json', delayMs: 20_000, value: DRAFT_ANSWER }]);
    const abort = new AbortController();
    const started = Date.now();
    const pending = client.callTool({ name: 'policy_draft', arguments: { text: 'let release-managers delete builds, slowly' } }, undefined, { signal: abort.signal });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    abort.abort('the person changed their mind');
    await expect(pending).rejects.toThrow();
    // The server stopped the call: the audit log records it as failed (cancelled) well before the model answered.
    let entry: { action: string; outcome: string; detail?: string } | undefined;
    for (let i = 0; i < 40 && entry === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const run = await runGic(['audit', 'export', '-o', 'json', '--data-dir', serve.dataDir]);
      entry = (jsonOf(run) as { entries: { action: string; outcome: string; detail?: string }[] }).entries.filter((e) => e.action === 'mcp:policy_draft').at(-1);
      if (entry?.detail?.includes('cancel') !== true) entry = undefined;
    }
    expect(entry).toMatchObject({ outcome: 'failed', detail: expect.stringContaining('cancel') });
    expect(Date.now() - started).toBeLessThan(19_000);
  });
});

describe('gic serve: graceful shutdown and the egress guard', () => {
  it('on SIGTERM, lets a call in flight finish, then exits 0', async () => {
    const own = await startServe(['--model-url', model.baseUrl, '--model', 'scripted-model']);
    const ownClient = await connectHttp(own.url);
    model.setScript([{ kind: 'json', delayMs: 2_000, value: DRAFT_ANSWER }]);
    const pending = ownClient.callTool({ name: 'policy_draft', arguments: { text: 'let release-managers delete builds on build-trigger' } }) as Promise<CallToolResult>;
    await new Promise((resolve) => setTimeout(resolve, 700));
    own.child.kill('SIGTERM');
    const result = await pending;
    expect(result.isError, text(result)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ verified: true });
    expect(await own.exited).toBe(0);
    await expect(fetch(`${own.url}/healthz`)).rejects.toThrow();
  });

  it('gic serve and gic mcp refuse to start when the egress guard refuses the model endpoint (exit 5, says egress)', async () => {
    const env = serverEnv(freshDataDir());
    for (const command of [['serve', '--port', '0'], ['mcp']]) {
      const run = await runGic([...command, '--model-url', 'http://93.184.216.34:8000/v1', '--model', 'qwen'], { env });
      expect(run.code, run.stderr).toBe(5);
      expect(run.stderr).toMatch(/refusing to start: the model endpoint http:\/\/93\.184\.216\.34:8000\/v1 is refused by the egress guard/);
      expect(run.stdout).toBe('');
    }
  });
});
