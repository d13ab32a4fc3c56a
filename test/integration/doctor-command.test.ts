// `gic doctor` as a user runs it (the real CLI in a child process): the model check against the scripted
// model server (egress allowed on loopback, one GET /models and nothing else), a refused endpoint (public
// address, unresolvable name: nothing sent), Gerrit and cluster failures, invalid configuration, and the
// exit codes (3 when a check fails).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { jsonOf, runGic } from '../cli/run-gic.js';
import { startKube } from '../peers/kube/start-kube.js';
import { createScriptedModelServer, type ScriptedModelServer } from '../peers/model/scripted-model-server.js';
import { startPeerOrSkip } from '../peers/peer.js';

interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly configured?: boolean;
  readonly addresses?: string[];
  readonly egress?: string;
}

let server: ScriptedModelServer;
beforeAll(async () => {
  server = await createScriptedModelServer({ models: ['qwen2.5-coder'] });
});
afterAll(async () => {
  await server.close();
});

const checksOf = (run: Awaited<ReturnType<typeof runGic>>): Record<string, Check> =>
  Object.fromEntries((jsonOf(run) as { checks: Check[] }).checks.map((check) => [check.name, check]));

describe('gic doctor', () => {
  it('passes with nothing configured, saying what is off', async () => {
    const run = await runGic(['doctor', '-o', 'json']);
    expect(run.code).toBe(0);
    const checks = checksOf(run);
    expect(Object.keys(checks)).toEqual(['config', 'gerrit', 'cluster', 'model', 'data-dir']);
    expect(checks['model']).toMatchObject({ ok: true, configured: false });
  });

  it('checks an allowed model endpoint with one GET /models and nothing else', async () => {
    server.reset();
    const run = await runGic(['doctor', '-o', 'json', '--model-url', server.baseUrl, '--model', 'qwen2.5-coder', '--gerrit-snapshot', 'examples/demo-gerrit']);
    expect(run.code, run.stderr).toBe(0);
    const checks = checksOf(run);
    expect(checks['model']).toMatchObject({ ok: true, egress: 'allowed', addresses: ['127.0.0.1'], detail: expect.stringContaining(`${server.baseUrl} serves qwen2.5-coder`) });
    expect(checks['gerrit']).toMatchObject({ ok: true, detail: 'snapshot examples/demo-gerrit: 11 groups' });
    expect(server.requests().map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/models']);
  });

  it('fails when the endpoint does not serve the configured model', async () => {
    server.reset();
    const run = await runGic(['doctor', '-o', 'json', '--model-url', server.baseUrl, '--model', 'llama3']);
    expect(run.code).toBe(3);
    expect(checksOf(run)['model']).toMatchObject({ ok: false, egress: 'allowed', detail: expect.stringContaining('does not serve "llama3" (it serves: qwen2.5-coder)') });
  });

  it('refuses a public or unresolvable endpoint without sending it anything (exit 3)', async () => {
    const publicRun = await runGic(['doctor', '-o', 'json', '--model-url', 'http://134744072:8000/v1', '--model', 'm']);
    expect(publicRun.code).toBe(3);
    expect(checksOf(publicRun)['model']).toMatchObject({ ok: false, egress: 'refused', addresses: ['8.8.8.8'], detail: expect.stringMatching(/^egress refused, nothing was sent to 8\.8\.8\.8:8000: the address 8\.8\.8\.8 \(public\) is outside the cluster/) });
    const unresolvable = await runGic(['doctor', '-o', 'json', '--model-url', 'http://model.gic-test.invalid/v1', '--model', 'm']);
    expect(checksOf(unresolvable)['model']).toMatchObject({ ok: false, egress: 'refused', addresses: [], detail: expect.stringContaining('model.gic-test.invalid does not resolve') });
    // Allow-listed (two repeatable flags): the verdict turns to allowed. Without a model name the check stops
    // there, so the public address is still never dialled by this test.
    const allowListed = await runGic(['doctor', '-o', 'json', '--model-url', 'http://134744072:8000/v1', '--model-allow-host', '8.8.8.0/24', '--model-allow-host', 'x.example']);
    expect(checksOf(allowListed)['model']).toMatchObject({ ok: false, egress: 'allowed', addresses: ['8.8.8.8'], detail: expect.stringContaining('no model name is configured') });
  });

  it('fails Gerrit, cluster and config checks with the reason', async () => {
    const probe = await createScriptedModelServer();
    const closedPort = new URL(probe.baseUrl).port;
    await probe.close();
    const run = await runGic(['doctor', '-o', 'json', '--gerrit-url', `http://127.0.0.1:${closedPort}/`, '--kubeconfig', '/nonexistent/kubeconfig']);
    expect(run.code).toBe(3);
    const checks = checksOf(run);
    expect(checks['gerrit']).toMatchObject({ ok: false, detail: expect.stringContaining('ECONNREFUSED') });
    expect(checks['cluster']).toMatchObject({ ok: false, detail: expect.stringContaining('cannot read kubeconfig /nonexistent/kubeconfig') });
    const invalid = await runGic(['doctor', '-o', 'json', '--model-timeout-ms', 'soon']);
    expect(invalid.code).toBe(3);
    expect(jsonOf(invalid)).toEqual({ checks: [{ name: 'config', ok: false, detail: 'flag --model-timeout-ms must be a whole number, got "soon"' }] });
  });

  it('passes the cluster check against a real API server with Istio CRDs (kube peer)', async () => {
    const kube = await startPeerOrSkip('kube', startKube);
    if (kube === undefined) return;
    try {
      const run = await runGic(['doctor', '-o', 'json', '--kubeconfig', kube.info.kubeconfig]);
      expect(checksOf(run)['cluster']).toMatchObject({ ok: true, detail: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+ \(kubeconfig:[^)]+\) serves security\.istio\.io\/v1 AuthorizationPolicy$/) });
      expect(run.code, run.stderr).toBe(0);
    } finally {
      await kube.stop();
    }
  });

  it('prints one line per check in the human format', async () => {
    const run = await runGic(['doctor', '-o', 'human', '--model-url', 'http://8.8.8.8/v1', '--model', 'm']);
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/^ok {4}config {4}no config file/m);
    expect(run.stdout).toMatch(/^FAIL {2}model {5}egress refused/m);
    expect(run.stdout).toMatch(/addresses: 8\.8\.8\.8; egress refused$/m);
  });
});
