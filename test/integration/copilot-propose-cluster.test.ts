// `propose` with a cluster: the dry-run is the real kube-apiserver's (mode `server`, through the
// KubeGateway, never persisted), on top of the offline verification against the demo mesh. A proposal
// for a namespace the cluster lacks is rejected by the server and so not verified, whatever the offline
// checks say: the server has the last word.
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { proposePolicy } from '../../src/copilot/propose-policy.js';
import { dryRunSources } from '../../src/kube/dry-run-resources.js';
import { KubeGateway } from '../../src/kube/kube-gateway.js';
import { kubeConfigFor, startKube } from '../peers/kube/start-kube.js';
import { startPeerOrSkip } from '../peers/peer.js';
import { copilotDeps } from '../support/copilot-fixture.js';

const peer = await startPeerOrSkip('kube', startKube);

describe.skipIf(!peer)('propose with a cluster', () => {
  let gateway: KubeGateway;
  let custom: CustomObjectsApi;
  beforeAll(async () => {
    if (peer === undefined) return;
    const admin = kubeConfigFor(peer.info);
    gateway = new KubeGateway(admin, { timeoutMs: 10_000 });
    custom = admin.makeApiClient(CustomObjectsApi);
    await admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'builds' } } });
  });
  afterAll(async () => {
    await peer?.stop();
  });

  const grant = { action: 'allow', subjects: [{ gerritGroup: 'release-managers' }], target: { namespace: 'builds', workload: 'build-trigger' }, operations: [{ methods: ['DELETE'], paths: ['/api/builds/*'] }] };

  it('uses the server dry-run, persists nothing, and verifies', async () => {
    const deps = await copilotDeps({ extra: { dryRun: (sources, options) => dryRunSources(sources, { gateway, ...options }) } });
    const result = await proposePolicy(deps, { intent: grant }, { actor: 'user:alice' });
    expect(result.dryRun.results).toHaveLength(1);
    expect(result.dryRun.results[0]).toMatchObject({ mode: 'server', accepted: true, kind: 'AuthorizationPolicy', namespace: 'builds' });
    expect(result.verified).toBe(true);
    const stored = (await custom.listNamespacedCustomObject({ group: 'security.istio.io', version: 'v1', namespace: 'builds', plural: 'authorizationpolicies' })) as { items: unknown[] };
    expect(stored.items).toEqual([]);
  });

  it('a namespace the cluster does not have: the server rejects it, not verified', async () => {
    const deps = await copilotDeps({ extra: { dryRun: (sources, options) => dryRunSources(sources, { gateway, ...options }) } });
    const result = await proposePolicy(deps, { intent: { ...grant, target: { namespace: 'ci', workload: 'build-runner' } } }, { actor: 'user:alice' });
    expect(result.dryRun.results[0]).toMatchObject({ mode: 'server', accepted: false });
    expect(result.verified).toBe(false);
    expect(result.blockers.some((b) => b.startsWith('server dry-run rejected AuthorizationPolicy ci/'))).toBe(true);
  });
});
