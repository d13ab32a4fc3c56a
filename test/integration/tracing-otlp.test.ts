// OpenTelemetry tracing end to end, with a real OTLP/HTTP receiver on loopback (the JSON protocol the
// exporter speaks, parsed here as a collector would): a request arriving with a W3C `traceparent`
// continues the caller's trace through a server span, the copilot use cases (forecast, explain, propose), the
// Gerrit REST calls against the real Gerrit peer, the model call against the scripted model server and
// the server-side dry-runs against the kube-apiserver peer;
// every span has the right parent; the model server receives the trace context; a JSON log line
// written inside the work carries the trace id; failures mark their span. (Off without an endpoint:
// src/telemetry/start-tracing.test.ts.)
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { explainAccess } from '../../src/copilot/explain-access.js';
import { forecastLoad } from '../../src/copilot/forecast-load.js';
import { proposePolicy } from '../../src/copilot/propose-policy.js';
import { dryRunSources } from '../../src/kube/dry-run-resources.js';
import { KubeGateway } from '../../src/kube/kube-gateway.js';
import { GerritClient } from '../../src/gerrit/gerrit-client.js';
import { createLogger } from '../../src/log.js';
import { startTracing, type Tracing } from '../../src/telemetry/start-tracing.js';
import { withIncomingTrace } from '../../src/telemetry/trace-context-headers.js';
import { gerritForTests } from '../peers/gerrit/gerrit-test-peer.js';
import { kubeConfigFor, startKube } from '../peers/kube/start-kube.js';
import { startPeerOrSkip } from '../peers/peer.js';
import { createScriptedModelServer, type ScriptedModelServer } from '../peers/model/scripted-model-server.js';
import { copilotDeps, REPO } from '../support/copilot-fixture.js';
import { httpChatModel } from '../support/http-chat-model.js';

interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly status?: { code?: number };
  readonly attributes?: { key: string; value: Record<string, unknown> }[];
  readonly service: string;
}

/** A minimal OTLP/HTTP JSON receiver: POST /v1/traces, ExportTraceServiceRequest. */
async function startReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; contentTypes: string[]; server: Server }> {
  const spans: ReceivedSpan[] = [];
  const contentTypes: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      contentTypes.push(String(req.headers['content-type']));
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: Omit<ReceivedSpan, 'service'>[] }[] }[];
      };
      for (const rs of body.resourceSpans) {
        const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
        for (const ss of rs.scopeSpans) for (const span of ss.spans) spans.push({ ...span, service });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return { url: `http://127.0.0.1:${address.port}`, spans, contentTypes, server };
}

const peer = await gerritForTests();
const kube = await startPeerOrSkip('kube', startKube);
const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const GOOD = 'The request to builds/build-trigger on port 8080 is denied (DENY): the ALLOW policy builds/build-trigger-allow has 3 rules and none of them matches, so the default deny applies.';

describe.skipIf(!peer)('tracing to an OTLP receiver', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let tracing: Tracing;
  let model: ScriptedModelServer;
  let gerrit: GerritClient;

  beforeAll(async () => {
    receiver = await startReceiver();
    tracing = startTracing({ otlpEndpoint: receiver.url, serviceName: 'gic-test', sampleRatio: 1 }, { exportDelayMs: 100, resource: { 'service.instance.id': 'replica-1' } });
    model = await createScriptedModelServer();
    gerrit = new GerritClient({ baseUrl: peer!.info.url, credentials: { username: peer!.info.user, password: peer!.info.password } });
  });
  afterAll(async () => {
    await tracing?.shutdown();
    await gerrit?.close();
    await model?.close();
    receiver?.server.close();
    await peer?.stop();
    await kube?.stop();
  });

  it('continues the caller trace: server span -> use cases -> Gerrit and model calls, and the logs carry the trace id', async () => {
    model.setScript([{ kind: 'text', text: GOOD }]);
    const lines: string[] = [];
    const logger = createLogger({ sink: { write: (l) => lines.push(l) } });
    const deps = await copilotDeps({ model: httpChatModel(model.baseUrl), extra: { activity: gerrit, logger } });
    const request = JSON.parse(readFileSync(join(REPO, 'examples', 'requests', 'developer-triggers-build.json'), 'utf8')) as unknown;
    await withIncomingTrace({ traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` }, 'POST /mcp', { 'http.route': '/mcp' }, async () => {
      logger.info('handling a tool call');
      await forecastLoad(deps, { weeks: 1, days: 1, project: 'All-Projects' }, { actor: 'user:alice', action: 'mcp:review_load_forecast' });
      await explainAccess(deps, { subject: { request } }, { actor: 'user:alice', action: 'mcp:explain_access' });
    });
    await tracing.flush();

    const spans = receiver.spans.filter((s) => s.traceId === CALLER_TRACE);
    const byName = (name: string): ReceivedSpan[] => spans.filter((s) => s.name === name);
    const server = byName('POST /mcp')[0]!;
    expect(server).toMatchObject({ parentSpanId: CALLER_SPAN, kind: 2, service: 'gic-test' });
    const forecast = byName('copilot forecast')[0]!;
    const explain = byName('copilot explain')[0]!;
    expect([forecast.parentSpanId, explain.parentSpanId]).toEqual([server.spanId, server.spanId]);
    const gerritCalls = byName('gerrit GET');
    expect(gerritCalls.length).toBeGreaterThan(0);
    for (const call of gerritCalls) {
      expect(call.parentSpanId).toBe(forecast.spanId);
      expect(call.kind).toBe(3);
      expect(call.attributes?.find((a) => a.key === 'http.response.status_code')?.value).toEqual({ intValue: 200 });
    }
    const modelCall = byName('model chat scripted-model')[0]!;
    expect(modelCall.parentSpanId).toBe(explain.spanId);
    // The model server got the trace context of the model span (so its own spans would join).
    const sent = model.requests().find((r) => r.path === '/v1/chat/completions')!;
    expect(sent.headers['traceparent']).toBe(`00-${CALLER_TRACE}-${modelCall.spanId}-01`);
    // Every span of the work belongs to the caller's trace: nothing started a trace of its own.
    expect(receiver.spans.filter((s) => s.traceId !== CALLER_TRACE)).toEqual([]);
    expect(receiver.contentTypes.every((t) => t.startsWith('application/json'))).toBe(true);
    const logged = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(logged).toMatchObject({ msg: 'handling a tool call', traceId: CALLER_TRACE, spanId: server.spanId });
  });

  it.skipIf(!kube)('propose with a server-side dry-run: kube client spans (dry-run) under the use case, in the caller trace', async () => {
    receiver.spans.length = 0;
    const admin = kubeConfigFor(kube!.info);
    const gateway = new KubeGateway(admin, { timeoutMs: 10_000 });
    const deps = await copilotDeps({ extra: { dryRun: (sources) => dryRunSources(sources, { gateway }) } });
    const intent = { action: 'allow', subjects: [{ gerritGroup: 'release-managers' }], target: { namespace: 'builds', workload: 'build-trigger' }, operations: [{ methods: ['POST'], paths: ['/api/builds'] }] };
    await withIncomingTrace({ traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` }, 'POST /mcp', {}, () => proposePolicy(deps, { intent }, { actor: 'user:alice', action: 'mcp:policy_propose' }));
    await tracing.flush();
    const propose = receiver.spans.find((s) => s.name === 'copilot propose')!;
    const kubeCalls = receiver.spans.filter((s) => s.name.startsWith('kube '));
    expect(kubeCalls.length).toBeGreaterThan(0);
    for (const call of kubeCalls) {
      expect([call.traceId, call.parentSpanId, call.kind]).toEqual([CALLER_TRACE, propose.spanId, 3]);
      expect(call.attributes?.find((a) => a.key === 'gic.kube.dry_run')?.value).toEqual({ boolValue: true });
    }
  });

  it('a failing call marks its span as an error with the error code; a malformed traceparent starts a new trace', async () => {
    receiver.spans.length = 0;
    const deps = await copilotDeps({ extra: { activity: gerrit } });
    await expect(
      withIncomingTrace({ traceparent: 'not-a-traceparent' }, 'POST /mcp', {}, () => forecastLoad(deps, { weeks: 1, project: 'no-such-project-xyz' }, { actor: 'user:alice' })),
    ).rejects.toMatchObject({ code: 'not-found' });
    await tracing.flush();
    const failed = receiver.spans.find((s) => s.name === 'copilot forecast')!;
    expect(failed.status?.code).toBe(2);
    const root = receiver.spans.find((s) => s.name === 'POST /mcp')!;
    expect(root.parentSpanId ?? '').toBe('');
    expect(root.traceId).not.toBe(CALLER_TRACE);
  });
});
