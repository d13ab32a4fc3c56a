// The dry-run gateway when the API server cannot give a verdict: nothing listens (connection refused)
// or it accepts the connection and never answers (timeout). Both become rejected results that say
// why, never an exception and never "accepted"; `gic dry-run` then exits 5 (a live system failed), not
// 3 (rejected). Local sockets only; needs no peer.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';

import { dryRunSources } from '../../src/kube/dry-run-resources.js';
import { KubeGateway } from '../../src/kube/kube-gateway.js';
import { jsonOf, runGic } from '../cli/run-gic.js';

const proposal = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: web, namespace: shop}
spec: {action: ALLOW, rules: [{}]}
`;

function kubeConfig(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'not-a-real-token' }],
    contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
    currentContext: 'c',
  });
  return kc;
}

const sockets = new Set<net.Socket>();
const silent = net.createServer((socket) => {
  sockets.add(socket);
  socket.on('error', () => undefined);
});
await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
afterAll(
  () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      silent.close(() => resolve());
    }),
);

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('dry-run without a verdict from the API server', () => {
  it('rejects with the reason when nothing listens', async () => {
    const gateway = new KubeGateway(kubeConfig(`https://127.0.0.1:${await freePort()}`), { timeoutMs: 5_000 });
    const { results } = await dryRunSources([{ file: 'p.yaml', text: proposal }], { gateway });
    expect(results).toMatchObject([{ name: 'web', accepted: false, mode: 'server' }]);
    expect(results[0]?.errors[0]?.message).toMatch(/^server-side dry-run failed: PATCH https:\/\/127\.0\.0\.1:\d+\/apis\/security\.istio\.io\/v1\/namespaces\/shop\/authorizationpolicies\/web: .*(ECONNREFUSED|fetch failed)/);
  });

  it('rejects with the timeout when the API server does not answer', async () => {
    const port = (silent.address() as net.AddressInfo).port;
    const gateway = new KubeGateway(kubeConfig(`https://127.0.0.1:${port}`), { timeoutMs: 300 });
    const started = Date.now();
    const { results } = await dryRunSources([{ file: 'p.yaml', text: proposal }], { gateway });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(results[0]?.accepted).toBe(false);
    expect(results[0]?.errors[0]?.message).toContain('no answer within 300 ms');
  });
});

describe('gic dry-run when the cluster does not answer', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gic-dry-run-faults-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('exits 5 (a live system failed), not 3, with the rejected results saying why', async () => {
    const kubeconfig = join(tmp, 'kubeconfig');
    writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:${await freePort()}", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: not-a-real-token}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\n`);
    const file = join(tmp, 'proposal.yaml');
    writeFileSync(file, proposal);
    const run = await runGic(['dry-run', file, '--kubeconfig', kubeconfig, '-o', 'json']);
    expect(run.code).toBe(5);
    const report = jsonOf(run) as { mode: string; results: { accepted: boolean; mode: string; errors: { message: string }[] }[] };
    expect(report.mode).toBe('server');
    expect(report.results[0]).toMatchObject({ accepted: false, mode: 'server' });
    expect(report.results[0]?.errors[0]?.message).toContain('server-side dry-run failed');
    expect(run.stderr).toContain('the cluster did not answer, so there is no verdict');
  });
});
