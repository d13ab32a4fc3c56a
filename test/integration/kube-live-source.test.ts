// The live mesh source against the real kube-apiserver peer: it lists and watches the mesh kinds and
// follows creates, updates and deletes; it builds the same Mesh as the file source for the same
// objects; and it recovers when its connections are cut and the API server is unreachable for a
// while (a TCP proxy between the source and the peer plays the restarting API server).
import net from 'node:net';

import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { snapshotFromTexts } from '../../src/kube/file-mesh-source.js';
import { KubeGateway } from '../../src/kube/kube-gateway.js';
import { LiveMeshSource } from '../../src/kube/live-mesh-source.js';
import { createLogger } from '../../src/log.js';
import type { Mesh } from '../../src/policy/resources/mesh.js';
import { kubeConfigFor, startKube } from '../peers/kube/start-kube.js';
import { startPeerOrSkip } from '../peers/peer.js';

const peer = await startPeerOrSkip('kube', startKube);

/** A TCP proxy in front of the API server that can cut every connection and refuse new ones. */
async function startProxy(target: URL): Promise<{ port: number; cut(): void; refuse(on: boolean): void; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let refusing = false;
  const server = net.createServer((client) => {
    if (refusing) return void client.destroy();
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    cut: () => {
      for (const s of sockets) s.destroy();
    },
    refuse: (on) => {
      refusing = on;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The admin config with its cluster pointed at another address (the proxy). */
function via(admin: KubeConfig, server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: admin.clusters.map((c) => ({ ...c, server })),
    users: admin.users,
    contexts: admin.contexts,
    currentContext: admin.currentContext,
  });
  return kc;
}

async function eventually<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What both sources must agree on: the engine-relevant content of a Mesh, without source locations. */
function essence(mesh: Mesh, namespaces: ReadonlySet<string>): unknown {
  const inScope = <T extends { namespace: string; name: string; kind: string }>(list: readonly T[]): T[] =>
    list.filter((o) => namespaces.has(o.kind === 'Namespace' ? o.name : o.namespace)).sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  const meta = (o: { kind: string; namespace: string; name: string; labels: object }) => ({ kind: o.kind, namespace: o.namespace, name: o.name, labels: o.labels });
  return {
    meshConfig: mesh.meshConfig,
    namespaces: inScope([...mesh.namespaces.values()]).map((n) => ({ name: n.name, labels: n.labels })),
    workloads: inScope(mesh.workloads).map((w) => ({ ...meta(w), serviceAccount: w.serviceAccount, dataplane: w.dataplane, containerPorts: w.containerPorts, isWaypoint: w.isWaypoint })),
    services: inScope(mesh.services).map((s) => ({ ...meta(s), selector: s.selector, ports: s.ports })),
    serviceAccounts: inScope(mesh.serviceAccounts).map((s) => ({ namespace: s.namespace, name: s.name })),
    authorizationPolicies: inScope(mesh.authorizationPolicies).map((p) => ({ ...meta(p), spec: p.spec })),
    peerAuthentications: inScope(mesh.peerAuthentications).map((p) => ({ ...meta(p), spec: p.spec })),
    requestAuthentications: inScope(mesh.requestAuthentications).map((p) => ({ ...meta(p), spec: p.spec })),
  };
}

const NS = 'live-shop';
const SECURITY = { group: 'security.istio.io', version: 'v1', namespace: NS };

describe.skipIf(!peer)('live mesh source (kube-apiserver peer)', () => {
  let admin: KubeConfig;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let source: LiveMeshSource;
  const logLines: string[] = [];

  beforeAll(async () => {
    if (!peer) return;
    admin = kubeConfigFor(peer.info);
    core = admin.makeApiClient(CoreV1Api);
    custom = admin.makeApiClient(CustomObjectsApi);
    await core.createNamespace({ body: { metadata: { name: 'istio-system' } } });
    await core.createNamespacedConfigMap({ namespace: 'istio-system', body: { metadata: { name: 'istio' }, data: { mesh: 'trustDomain: shop.example\nrootNamespace: istio-system\n' } } });
    await core.createNamespacedConfigMap({ namespace: 'istio-system', body: { metadata: { name: 'not-istio' }, data: { mesh: 'trustDomain: wrong.example\n' } } });
    await core.createNamespace({ body: { metadata: { name: NS, labels: { 'istio-injection': 'enabled' } } } });
    await core.createNamespacedServiceAccount({ namespace: NS, body: { metadata: { name: 'web' } } });
    await core.createNamespacedService({
      namespace: NS,
      body: { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
    });
    // Two pods of one Deployment (through its ReplicaSet) and a bare pod.
    for (const [name, created] of [['web-5d8f7c9b4-aaaaa', 'a'], ['web-5d8f7c9b4-bbbbb', 'b']] as const) {
      await core.createNamespacedPod({
        namespace: NS,
        body: {
          metadata: {
            name,
            labels: { app: 'web', version: 'v1', 'pod-template-hash': '5d8f7c9b4' },
            ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d8f7c9b4', uid: `00000000-0000-0000-0000-00000000000${created}`, controller: true }],
          },
          spec: { serviceAccountName: 'web', containers: [{ name: 'web', image: 'web:1', ports: [{ containerPort: 8080, name: 'http' }] }] },
        },
      });
    }
    await core.createNamespacedPod({
      namespace: NS,
      body: { metadata: { name: 'debug', labels: { app: 'debug' } }, spec: { containers: [{ name: 'sh', image: 'busybox' }] } },
    });

    proxy = await startProxy(new URL(peer.info.server));
    const gateway = new KubeGateway(via(admin, `https://127.0.0.1:${proxy.port}`), { timeoutMs: 5_000 });
    source = new LiveMeshSource(gateway, {
      istioNamespace: 'istio-system',
      logger: createLogger({ sink: { write: (line: string) => logLines.push(line) }, level: 'debug' }),
      initialBackoffMs: 200,
      maxBackoffMs: 1_000,
      origin: 'peer',
    });
    const started = Date.now();
    await source.start();
    console.log(`live source ready in ${Date.now() - started} ms`);
  });

  afterAll(async () => {
    await source?.stop();
    await proxy?.close();
    await peer?.stop();
  });

  it('is ready with the cluster listed, and reports resourceVersions', () => {
    expect(source.ready()).toBe(true);
    const status = source.status();
    expect(status.kinds.map((k) => k.kind).sort()).toEqual(
      ['AuthorizationPolicy', 'ConfigMap', 'Gateway', 'Namespace', 'PeerAuthentication', 'Pod', 'RequestAuthentication', 'Service', 'ServiceAccount'].sort(),
    );
    const snapshot = source.snapshot();
    expect(snapshot.resourceVersion).toMatch(/^\d+$/);
    expect(Object.keys(snapshot.resourceVersions ?? {})).toHaveLength(9);
  });

  it('builds the same Mesh as the file source does for the equivalent manifests', () => {
    const live = source.snapshot();
    // The API server labels every namespace with kubernetes.io/metadata.name; the manifests say so too.
    const yaml = `
apiVersion: v1
kind: Namespace
metadata: {name: istio-system, labels: {kubernetes.io/metadata.name: istio-system}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: "trustDomain: shop.example\\nrootNamespace: istio-system\\n"
---
apiVersion: v1
kind: Namespace
metadata: {name: ${NS}, labels: {istio-injection: enabled, kubernetes.io/metadata.name: ${NS}}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: ${NS}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: ${NS}}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080, protocol: TCP}]
---
apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: ${NS}, labels: {app: debug}}
spec:
  containers: [{name: sh, image: busybox}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${NS}, labels: {app: web, version: v1}}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, version: v1}}
    spec:
      serviceAccountName: web
      containers: [{name: web, image: "web:1", ports: [{containerPort: 8080, name: http, protocol: TCP}]}]
`;
    const file = snapshotFromTexts([{ file: 'equivalent.yaml', text: yaml }], 1);
    expect(file.findings).toEqual([]);
    // The cluster also has the default namespaces; compare the objects the manifests describe.
    const keep = new Set(['istio-system', NS]);
    expect(essence(live.mesh, keep)).toEqual(essence(file.mesh, keep));
    expect(live.mesh.meshConfig.trustDomain).toBe('shop.example');
    expect(live.mesh.workloads.find((w) => w.name === 'web')?.kind).toBe('Deployment');
  });

  it('follows creates, updates and deletes of security policies and namespaces', async () => {
    const policy = (action: string) => ({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'web-viewers', namespace: NS },
      spec: { selector: { matchLabels: { app: 'web' } }, action, rules: [{ from: [{ source: { namespaces: ['shop'] } }] }] },
    });
    const before = source.snapshot().generation;
    await custom.createNamespacedCustomObject({ ...SECURITY, plural: 'authorizationpolicies', body: policy('ALLOW') });
    const created = await eventually('the policy to appear', () => source.snapshot().mesh.authorizationPolicies.find((p) => p.name === 'web-viewers'));
    expect(created.spec.action).toBe('ALLOW');
    expect(source.snapshot().generation).toBeGreaterThan(before);

    const current = (await custom.getNamespacedCustomObject({ ...SECURITY, plural: 'authorizationpolicies', name: 'web-viewers' })) as { metadata: { resourceVersion: string } };
    await custom.replaceNamespacedCustomObject({
      ...SECURITY,
      plural: 'authorizationpolicies',
      name: 'web-viewers',
      body: { ...policy('DENY'), metadata: { name: 'web-viewers', namespace: NS, resourceVersion: current.metadata.resourceVersion } },
    });
    await eventually('the update', () => (source.snapshot().mesh.authorizationPolicies.find((p) => p.name === 'web-viewers')?.spec.action === 'DENY' ? true : undefined));

    await custom.deleteNamespacedCustomObject({ ...SECURITY, plural: 'authorizationpolicies', name: 'web-viewers' });
    await eventually('the delete', () => (source.snapshot().mesh.authorizationPolicies.some((p) => p.name === 'web-viewers') ? undefined : true));

    await core.createNamespace({ body: { metadata: { name: 'live-late', labels: { 'istio.io/dataplane-mode': 'ambient' } } } });
    const late = await eventually('the new namespace', () => source.snapshot().mesh.namespaces.get('live-late'));
    expect(late.labels['istio.io/dataplane-mode']).toBe('ambient');
  });

  it('recovers after its connections are cut and the API server is unreachable for a while', async () => {
    const failuresBefore = source.status().kinds.reduce((n, k) => n + k.failures, 0);
    proxy.refuse(true);
    proxy.cut();
    // While the source cannot reach the API server, the cluster changes.
    await custom.createNamespacedCustomObject({
      ...SECURITY,
      plural: 'peerauthentications',
      body: { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'strict', namespace: NS }, spec: { mtls: { mode: 'STRICT' } } },
    });
    await core.deleteNamespacedPod({ namespace: NS, name: 'debug' });
    await eventually('a watch failure to be noticed', () => (source.status().kinds.some((k) => k.error !== undefined) ? true : undefined));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(source.snapshot().mesh.peerAuthentications).toHaveLength(0);
    proxy.refuse(false);
    const started = Date.now();
    await eventually('the change made during the outage', () => (source.snapshot().mesh.peerAuthentications.some((p) => p.name === 'strict') ? true : undefined), 30_000);
    await eventually('the pod deleted during the outage to disappear', () => (source.snapshot().mesh.workloads.some((w) => w.name === 'debug') ? undefined : true), 30_000);
    console.log(`live source caught up ${Date.now() - started} ms after the API server came back`);
    expect(source.status().kinds.reduce((n, k) => n + k.failures, 0)).toBeGreaterThan(failuresBefore);
    expect(logLines.some((l) => l.includes('watch failed; restarting'))).toBe(true);
    expect(source.ready()).toBe(true);
  });
});
