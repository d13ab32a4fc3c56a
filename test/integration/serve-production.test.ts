// `gic serve` as production runs it, end to end: the store in PostgreSQL (GIC_DATABASE_URL), Gerrit
// from the real Gerrit peer, traces to an OTLP/HTTP receiver on loopback. An MCP `review_load_forecast`
// call that arrives with a W3C traceparent answers with the forecast (structured content), lands in the
// PostgreSQL audit log, shows in /metrics (tool calls and the store families with backend="postgres"),
// and its trace reaches the receiver as one tree: the caller's span -> `POST /mcp` -> `copilot forecast`
// -> `gerrit GET` calls, with `store appendAudit` spans in the same trace. gic connects as an ordinary
// role owning its database; /readyz turns 503 while PostgreSQL refuses that role and 200 again after.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openPostgresStore } from '../../src/store/postgres-store.js';
import { REPO_ROOT } from '../cli/run-gic.js';
import { gerritForTests } from '../peers/gerrit/gerrit-test-peer.js';
import { startPeerOrSkip } from '../peers/peer.js';
import { createTestDatabase, type TestDatabase } from '../peers/postgres/postgres-databases.js';
import { startPostgres } from '../peers/postgres/start-postgres.js';

interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
}

const gerrit = await gerritForTests();
const postgres = await startPeerOrSkip('postgres', () => startPostgres());
/** Both peers or neither: the suite needs the two. */
const peers = gerrit !== undefined && postgres !== undefined ? { gerrit, postgres } : undefined;
const CALLER_TRACE = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const CALLER_SPAN = '1122334455667788';

describe.skipIf(!peers)('gic serve on PostgreSQL with Gerrit and tracing', () => {
  let receiver: Server;
  const spans: Span[] = [];
  let serve: ChildProcess;
  let url: string;
  let db: TestDatabase;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { resourceSpans: { scopeSpans: { spans: Span[] }[] }[] };
        for (const rs of body.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const address = receiver.address();
    const otlp = typeof address === 'object' && address !== null ? `http://127.0.0.1:${address.port}` : '';
    db = await createTestDatabase(postgres!.info);
    // gic connects as an ordinary role that owns its database (not the superuser): least privilege, and
    // connection limits apply to it (the readiness check below relies on that).
    const role = `gic_app_${process.pid}`;
    await db.sql(`CREATE ROLE ${role} LOGIN PASSWORD 'app-secret-1'`);
    await db.sql(`ALTER DATABASE ${db.name} OWNER TO ${role}`);
    const appUrl = new URL(db.url);
    appUrl.username = role;
    appUrl.password = 'app-secret-1';
    const info = gerrit!.info;
    serve = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'gic.js'), 'serve', '--port', '0', '--mesh', join(REPO_ROOT, 'examples', 'demo-mesh')], {
      cwd: REPO_ROOT,
      env: { ...process.env, GIC_DATABASE_URL: appUrl.toString(), GIC_DATA_DIR: mkdtempSync(join(tmpdir(), 'gic-serve-prod-')), GIC_GERRIT_URL: info.url, GIC_GERRIT_USER: info.user, GIC_GERRIT_PASSWORD: info.password, OTEL_EXPORTER_OTLP_ENDPOINT: otlp, OTEL_SERVICE_NAME: 'gic-serve-test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    serve.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      serve.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const match = /listening on (http:\/\/[^\s(]+)/.exec(out);
        if (match !== null) resolve(match[1]!);
      });
      serve.once('exit', (code) => reject(new Error(`gic serve exited ${String(code)}: ${stderr}`)));
    });
  });
  afterAll(async () => {
    if (serve !== undefined && serve.exitCode === null) {
      serve.kill('SIGTERM');
      await new Promise((resolve) => serve.once('exit', resolve));
    }
    receiver?.close();
    await db?.drop();
    await postgres?.stop();
    await gerrit?.stop();
  });

  it('answers review_load_forecast, audits it in PostgreSQL, counts it in /metrics and traces it end to end', async () => {
    const response = await fetch(`${url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18', traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'review_load_forecast', arguments: { weeks: 1, days: 2, project: 'All-Projects' } } }),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    const json = text.trimStart().startsWith('{') ? text : (text.split('\n').find((l) => l.startsWith('data: '))?.slice(6) ?? '{}');
    const message = JSON.parse(json) as { result: { isError?: boolean; structuredContent: { series: { name: string; daily: unknown[]; hourly?: unknown }[]; summary: string[] } } };
    expect(message.result.isError).not.toBe(true);
    expect(message.result.structuredContent.series.map((s) => s.name)).toEqual(['patchSets', 'comments', 'submits']);
    expect(message.result.structuredContent.series[0]!.daily).toHaveLength(2);
    expect(message.result.structuredContent.series[0]!.hourly).toBeUndefined();

    const store = await openPostgresStore({ url: db.url, readOnly: true });
    const audit = await store.listAudit();
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['copilot:forecast', 'mcp:review_load_forecast']));
    expect((await store.verifyAudit()).ok).toBe(true);
    await store.close();

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/gic_tool_calls_total\{tool="review_load_forecast",outcome="ok"\} 1/);
    expect(metrics).toMatch(/gic_store_operations_total\{operation="appendAudit",outcome="ok",backend="postgres"\} 2/);
    expect(metrics).toContain('gic_audit_entries_appended_total{backend="postgres"} 2');

    // Readiness reflects the store: ready while PostgreSQL answers, not ready while it refuses this
    // replica's connections, ready again after (probed every 5 s).
    const ready = async (): Promise<{ status: number; store?: { ready: boolean; detail: string } }> => {
      const r = await fetch(`${url}/readyz`);
      const body = (await r.json()) as { checks: { name: string; ready: boolean; detail: string }[] };
      return { status: r.status, store: body.checks.find((c) => c.name === 'store') };
    };
    expect(await ready()).toEqual({ status: 200, store: { name: 'store', ready: true, detail: 'postgres: answering' } });
    await db.sql(`ALTER DATABASE ${db.name} CONNECTION LIMIT 0`);
    await db.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'gic'");
    const until = async (want: boolean): Promise<{ status: number; store?: { ready: boolean; detail: string } }> => {
      for (let i = 0; i < 40; i++) {
        const r = await ready();
        if (r.store?.ready === want) return r;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      return ready();
    };
    const down = await until(false);
    expect(down.status).toBe(503);
    expect(down.store?.detail).toContain('127.0.0.1');
    await db.sql(`ALTER DATABASE ${db.name} CONNECTION LIMIT -1`);
    expect((await until(true)).status).toBe(200);

    // Stopping flushes the batched spans.
    serve.kill('SIGTERM');
    await new Promise((resolve) => serve.once('exit', resolve));
    const trace = spans.filter((s) => s.traceId === CALLER_TRACE);
    const one = (name: string): Span => {
      const found = trace.filter((s) => s.name === name);
      expect(found, name).toHaveLength(1);
      return found[0]!;
    };
    const server = one('POST /mcp');
    expect(server.parentSpanId).toBe(CALLER_SPAN);
    const forecast = one('copilot forecast');
    const gerritCalls = trace.filter((s) => s.name === 'gerrit GET');
    expect(gerritCalls.length).toBeGreaterThanOrEqual(2);
    for (const call of gerritCalls) expect(call.parentSpanId).toBe(forecast.spanId);
    expect(trace.filter((s) => s.name === 'store appendAudit')).toHaveLength(2);
    // The forecast span sits under the server span (possibly through the MCP pipeline's own spans).
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    let cursor: Span | undefined = forecast;
    while (cursor !== undefined && cursor.spanId !== server.spanId) cursor = cursor.parentSpanId === undefined ? undefined : byId.get(cursor.parentSpanId);
    expect(cursor?.spanId).toBe(server.spanId);
  });
});
