// deploy/ rendered by kustomize (the kustomize API, as `kubectl kustomize` does): every manifest of
// every overlay passes `gic validate`, a server-side dry-run on the real kube-apiserver peer (Strict
// field validation, with the Istio and Gateway API CRDs the peer installs), and the safety properties
// the architecture promises; the admission policy is proven by impersonating gic's service account:
// a dry-run create succeeds, the same create without dry-run is rejected; and the RBAC is enough for
// the live mesh source and the dry-run gateway.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ApiException, CoordinationV1Api, CoreV1Api, CustomObjectsApi, HttpMethod, KubeConfig, RequestContext } from '@kubernetes/client-node';
import { fetch } from 'undici';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { GicConfigSchema } from '../../src/config/config-schema.js';
import { dryRunSources } from '../../src/kube/dry-run-resources.js';
import { KubeGateway } from '../../src/kube/kube-gateway.js';
import { LeaseElector } from '../../src/kube/lease-elector.js';
import { LiveMeshSource } from '../../src/kube/live-mesh-source.js';
import { createLogger } from '../../src/log.js';
import { validateSources } from '../../src/policy/validate/validate-sources.js';
import { kubeConfigFor, startKube } from '../peers/kube/start-kube.js';
import { renderKustomization, startKustomize } from '../peers/kustomize/start-kustomize.js';
import { startPeerOrSkip } from '../peers/peer.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OVERLAYS = ['deploy/overlays/sidecar', 'deploy/overlays/ambient', 'deploy/overlays/production'] as const;
const GIC_USER = 'system:serviceaccount:gic:gic';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const kustomize = await startPeerOrSkip('kustomize', startKustomize);
const rendered = new Map<string, { text: string; objects: Obj[] }>();
if (kustomize) {
  for (const overlay of OVERLAYS) {
    const text = await renderKustomization(kustomize.info, overlay);
    rendered.set(overlay, { text, objects: parseAllDocuments(text).map((d) => d.toJS() as Obj) });
  }
}

function find(objects: readonly Obj[], kind: string, name: string): Obj {
  const found = objects.find((o) => o['kind'] === kind && o['metadata']?.['name'] === name);
  if (found === undefined) throw new Error(`no ${kind} ${name} in the rendered manifests`);
  return found;
}

describe.skipIf(!kustomize)('deploy/ overlays rendered by kustomize', () => {
  for (const overlay of OVERLAYS) {
    describe(overlay, () => {
      it('passes gic validate with no errors or warnings', () => {
        const { text } = rendered.get(overlay)!;
        const report = validateSources([{ file: `${overlay}.yaml`, text }]);
        expect(report.resources.filter((r) => r.errors.length + r.warnings.length > 0)).toEqual([]);
        expect(report.summary.resources).toBeGreaterThanOrEqual(5);
      });

      it('runs gic non-root with a read-only root filesystem, limits and probes, and a valid config', () => {
        const { objects } = rendered.get(overlay)!;
        const spec = find(objects, 'Deployment', 'gic')['spec']['template']['spec'];
        expect(spec.serviceAccountName).toBe('gic');
        expect(spec.securityContext.runAsNonRoot).toBe(true);
        for (const c of spec.containers as Obj[]) {
          expect(c['securityContext']).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
          expect(c['resources']['limits']).toHaveProperty('memory');
          expect(c['resources']['limits']).toHaveProperty('cpu');
          expect(c['livenessProbe']).toBeDefined();
          expect(c['readinessProbe']).toBeDefined();
        }
        const config = find(objects, 'ConfigMap', 'gic-config')['data']['config.yaml'] as string;
        expect(() => GicConfigSchema.parse(parseAllDocuments(config)[0]?.toJS())).not.toThrow();
      });

      it('admits only the ingress gateway and Gerrit to gic, and only gic to the model server', () => {
        const { objects } = rendered.get(overlay)!;
        const callers = find(objects, 'AuthorizationPolicy', 'gic-callers')['spec'];
        const principals = (callers.rules as Obj[]).flatMap((r) => (r['from'] as Obj[]).flatMap((f) => f['source']['principals'] as string[]));
        expect(principals.sort()).toEqual(['cluster.local/ns/gerrit/sa/gerrit', 'cluster.local/ns/istio-ingress/sa/istio-ingressgateway']);
        expect(find(objects, 'PeerAuthentication', 'default')['spec']).toEqual({ mtls: { mode: 'STRICT' } });
        const model = find(objects, 'AuthorizationPolicy', 'model-callers')['spec'];
        expect(model.rules).toEqual([{ from: [{ source: { principals: ['cluster.local/ns/gic/sa/gic'] } }] }]);
        expect(find(objects, 'ValidatingAdmissionPolicy', 'gic-dry-run-only')['spec']['validations'][0]['expression']).toBe('request.dryRun == true');
      });
    });
  }

  it('the sidecar overlay refuses egress outside the registry; the ambient overlay has a waypoint', () => {
    const sidecar = rendered.get('deploy/overlays/sidecar')!.objects;
    expect(find(sidecar, 'Sidecar', 'default')['spec']['outboundTrafficPolicy']).toEqual({ mode: 'REGISTRY_ONLY' });
    expect(find(sidecar, 'Namespace', 'gic')['metadata']['labels']['istio-injection']).toBe('enabled');
    const ambient = rendered.get('deploy/overlays/ambient')!.objects;
    expect(find(ambient, 'Gateway', 'gic-waypoint')['spec']['gatewayClassName']).toBe('istio-waypoint');
    expect(find(ambient, 'Namespace', 'gic')['metadata']['labels']).toMatchObject({ 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'gic-waypoint' });
    expect(find(ambient, 'AuthorizationPolicy', 'gic-callers')['spec']['targetRefs']).toEqual([{ group: '', kind: 'Service', name: 'gic' }]);
  });

  it('the production overlay: 3 replicas on PostgreSQL from a Secret, a PDB, spread over zones and nodes, measured requests', () => {
    const objects = rendered.get('deploy/overlays/production')!.objects;
    const deployment = find(objects, 'Deployment', 'gic')['spec'];
    expect(deployment.replicas).toBe(3);
    expect(deployment.strategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: 1 });
    const pod = deployment.template.spec;
    expect((pod.topologySpreadConstraints as Obj[]).map((c) => [c['topologyKey'], c['whenUnsatisfiable'], c['labelSelector']])).toEqual([
      ['topology.kubernetes.io/zone', 'ScheduleAnyway', { matchLabels: { app: 'gic' } }],
      ['kubernetes.io/hostname', 'DoNotSchedule', { matchLabels: { app: 'gic' } }],
    ]);
    const container = (pod.containers as Obj[]).find((c) => c['name'] === 'gic')!;
    const env = new Map((container['env'] as Obj[]).map((e) => [e['name'], e]));
    expect(env.get('GIC_DATABASE_URL')).toEqual({ name: 'GIC_DATABASE_URL', valueFrom: { secretKeyRef: { name: 'gic-postgres', key: 'url' } } });
    expect(env.get('GIC_MODEL_URL')?.['value']).toBe('http://model.gic-model.svc.cluster.local:8000/v1');
    expect(env.get('OTEL_EXPORTER_OTLP_ENDPOINT')?.['value']).toMatch(/^http:\/\/otel-collector\.observability\.svc\.cluster\.local:4318$/);
    expect(container['resources']).toEqual({ requests: { cpu: '250m', memory: '320Mi' }, limits: { cpu: '2', memory: '768Mi' } });
    expect(container['readinessProbe']['httpGet']).toEqual({ path: '/readyz', port: 'http' });
    // Every setting the environment gives parses with gic's own schema (a PostgreSQL URL, an OTLP URL).
    const secret = find(objects, 'Secret', 'gic-postgres');
    expect(() => GicConfigSchema.parse({ data: { postgresUrl: secret['stringData']['url'] }, tracing: { otlpEndpoint: env.get('OTEL_EXPORTER_OTLP_ENDPOINT')!['value'] }, prometheus: { url: env.get('GIC_PROMETHEUS_URL')!['value'] } })).not.toThrow();
    const pdb = find(objects, 'PodDisruptionBudget', 'gic')['spec'];
    expect(pdb).toEqual({ minAvailable: 2, selector: { matchLabels: { app: 'gic' } } });
    expect(pdb.minAvailable).toBeLessThan(deployment.replicas);
    // The mesh and L3/L4 egress reach PostgreSQL, the collector and Prometheus, and nothing else new.
    expect(find(objects, 'Sidecar', 'default')['spec']['egress'][0]['hosts']).toEqual([
      'gic-model/model.gic-model.svc.cluster.local',
      'gerrit/gerrit.gerrit.svc.cluster.local',
      'default/kubernetes.default.svc.cluster.local',
      'gic-db/postgres.gic-db.svc.cluster.local',
      'observability/otel-collector.observability.svc.cluster.local',
      'istio-system/prometheus.istio-system.svc.cluster.local',
    ]);
    const egress = find(objects, 'NetworkPolicy', 'gic-egress-production')['spec']['egress'] as Obj[];
    expect(egress.flatMap((e) => (e['ports'] as Obj[]).map((p) => p['port']))).toEqual([5432, 15008, 4318, 15008, 9090, 15008]);
  });

  it('the Dockerfile builds on Node 24 and runs as the non-root user the Deployment expects', async () => {
    const dockerfile = await readFile(path.join(repoRoot, 'Dockerfile'), 'utf8');
    const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    expect(froms.length).toBeGreaterThan(0);
    for (const image of froms) expect(image).toMatch(/^node:24[-.]/);
    const user = /^USER\s+(\d+)(?::(\d+))?\s*$/m.exec(dockerfile);
    expect(user?.[1]).toBeDefined();
    expect(Number(user?.[1])).toBeGreaterThan(0);
    const spec = find(rendered.get('deploy/overlays/sidecar')!.objects, 'Deployment', 'gic')['spec']['template']['spec'];
    expect(spec.securityContext.runAsUser).toBe(Number(user?.[1]));
  });
});

const kube = kustomize ? await startPeerOrSkip('kube', startKube) : undefined;
afterAll(async () => kube?.stop());

/** Server-side apply of any object (admin), as `kubectl apply --server-side [--dry-run=server]`. */
async function apply(kc: KubeConfig, object: Obj, options: { dryRun: boolean }): Promise<{ status: number; body: Obj }> {
  const [group, version] = String(object['apiVersion']).includes('/') ? String(object['apiVersion']).split('/') : ['', String(object['apiVersion'])];
  const base = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  const server = kc.getCurrentCluster()!.server;
  const discovery = await send(kc, 'GET', `${server}${base}`);
  const resource = (discovery.body['resources'] as Obj[]).find((r) => r['kind'] === object['kind'] && !String(r['name']).includes('/'));
  if (resource === undefined) return { status: 404, body: { message: `${String(object['apiVersion'])} ${String(object['kind'])} is not served` } };
  const ns = resource['namespaced'] ? `/namespaces/${object['metadata']['namespace'] ?? 'default'}` : '';
  const query = new URLSearchParams({ fieldManager: 'deploy-test', fieldValidation: 'Strict', force: 'true' });
  if (options.dryRun) query.set('dryRun', 'All');
  return send(kc, 'PATCH', `${server}${base}${ns}/${resource['name']}/${object['metadata']['name']}?${query}`, JSON.stringify(object));
}

async function send(kc: KubeConfig, method: 'GET' | 'PATCH', url: string, body?: string): Promise<{ status: number; body: Obj }> {
  const context = new RequestContext(url, method === 'GET' ? HttpMethod.GET : HttpMethod.PATCH);
  await kc.applySecurityAuthentication(context);
  const dispatcher = context.getDispatcher();
  const response = await fetch(url, {
    method,
    headers: { ...context.getHeaders(), ...(body === undefined ? {} : { 'Content-Type': 'application/apply-patch+yaml' }) },
    ...(body === undefined ? {} : { body }),
    ...(dispatcher === undefined ? {} : { dispatcher }),
  });
  return { status: response.status, body: (await response.json()) as Obj };
}

function impersonating(admin: KubeConfig, user: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: admin.clusters, users: admin.users.map((u) => ({ ...u, impersonateUser: user })), contexts: admin.contexts, currentContext: admin.currentContext });
  return kc;
}

describe.skipIf(!kube)('deploy/ on the kube-apiserver peer', () => {
  let admin: KubeConfig;

  beforeAll(async () => {
    if (!kube) return;
    admin = kubeConfigFor(kube.info);
    // A dry-run create of a Namespace does not create it: the namespaces the manifests use must exist.
    for (const name of ['gic', 'gic-model', 'istio-system']) await admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
  });

  for (const overlay of OVERLAYS) {
    it(`every manifest of ${overlay} passes a server-side dry-run with Strict field validation`, async () => {
      const started = Date.now();
      const failures: string[] = [];
      const { objects } = rendered.get(overlay)!;
      for (const object of objects) {
        const result = await apply(admin, object, { dryRun: true });
        if (result.status >= 300) failures.push(`${String(object['kind'])} ${String(object['metadata']['name'])}: ${result.status} ${String(result.body['message'])}`);
      }
      console.log(`${overlay}: ${objects.length} manifests dry-run in ${Date.now() - started} ms`);
      expect(failures).toEqual([]);
    });
  }

  it('confines gic\'s service account to dry-runs, and its RBAC is enough for the live source and the gateway', async () => {
    const { objects } = rendered.get('deploy/overlays/sidecar')!;
    // Really install the identity, its RBAC and the admission policy (as an operator would).
    const install = objects.filter((o) => ['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'].includes(String(o['kind'])));
    for (const object of install) {
      const result = await apply(admin, object, { dryRun: false });
      expect(result.status, `${String(object['kind'])} ${String(object['metadata']['name'])}: ${String(result.body['message'])}`).toBeLessThan(300);
    }
    const asGic = impersonating(admin, GIC_USER);
    const custom = asGic.makeApiClient(CustomObjectsApi);
    const policy = (name: string): Obj => ({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name, namespace: 'gic' },
      spec: { selector: { matchLabels: { app: 'gic' } }, action: 'ALLOW', rules: [{ from: [{ source: { namespaces: ['gerrit'] } }] }] },
    });
    const create = (name: string, dryRun: boolean) =>
      custom.createNamespacedCustomObject({ group: 'security.istio.io', version: 'v1', namespace: 'gic', plural: 'authorizationpolicies', body: policy(name), fieldValidation: 'Strict', ...(dryRun ? { dryRun: 'All' } : {}) });

    // RBAC and the admission policy load asynchronously: probe until a real create is refused by the
    // policy (removing any probe that got through while it was still loading).
    const deadline = Date.now() + 60_000;
    let refusal: ApiException<unknown> | undefined;
    for (let probe = 0; refusal === undefined; probe++) {
      try {
        await create(`probe-${probe}`, false);
        await admin.makeApiClient(CustomObjectsApi).deleteNamespacedCustomObject({ group: 'security.istio.io', version: 'v1', namespace: 'gic', plural: 'authorizationpolicies', name: `probe-${probe}` });
      } catch (error) {
        if (!(error instanceof ApiException)) throw error;
        if (String(error.body).includes('gic-dry-run-only')) refusal = error;
      }
      if (refusal === undefined && Date.now() > deadline) throw new Error('the admission policy did not take effect');
      if (refusal === undefined) await new Promise((r) => setTimeout(r, 250));
    }

    // The dry-run create succeeds; the same create without dry-run is rejected by the policy.
    const dry = (await create('gic-proposal', true)) as Obj;
    expect(dry['metadata']['name']).toBe('gic-proposal');
    let rejected: ApiException<unknown> | undefined;
    try {
      await create('gic-proposal', false);
    } catch (error) {
      if (error instanceof ApiException) rejected = error;
      else throw error;
    }
    expect(rejected?.code).toBe(403);
    expect(String(rejected?.body)).toContain('ValidatingAdmissionPolicy');
    expect(String(rejected?.body)).toContain('gic may only dry-run');
    const stored = (await admin.makeApiClient(CustomObjectsApi).listNamespacedCustomObject({ group: 'security.istio.io', version: 'v1', namespace: 'gic', plural: 'authorizationpolicies' })) as { items: unknown[] };
    expect(stored.items).toEqual([]);

    // gic's own code paths with exactly this identity: the dry-run gateway (server-side apply) and the
    // live mesh source (list + watch of every kind, the istio ConfigMap through resourceNames).
    const gateway = new KubeGateway(asGic, { timeoutMs: 10_000 });
    const text = JSON.stringify(policy('via-gateway'));
    const report = await dryRunSources([{ file: 'proposal.json', text }], { gateway });
    expect(report.results).toMatchObject([{ name: 'via-gateway', accepted: true, mode: 'server', errors: [] }]);
    // Leader election: gic's own Lease is the one real write the admission policy admits; any other
    // Lease (by another name, or in another namespace) is refused.
    const elector = new LeaseElector(gateway, { namespace: 'gic', name: 'gic-review-bot', identity: 'replica-a' });
    expect(await elector.tryAcquireOrRenew()).toBe(true);
    expect(await elector.tryAcquireOrRenew()).toBe(true);
    const coordination = asGic.makeApiClient(CoordinationV1Api);
    const lease = (namespace: string, name: string) => coordination.createNamespacedLease({ namespace, body: { metadata: { name, namespace }, spec: { holderIdentity: 'x' } } });
    for (const [namespace, name] of [['gic', 'not-gic-lease'], ['default', 'gic-review-bot']] as const) {
      let refused: ApiException<unknown> | undefined;
      try {
        await lease(namespace, name);
      } catch (error) {
        if (error instanceof ApiException) refused = error;
        else throw error;
      }
      expect(refused?.code, `${namespace}/${name}`).toBe(403);
    }
    const source = new LiveMeshSource(gateway, { istioNamespace: 'istio-system', logger: createLogger({ sink: { write: () => true } }), readyTimeoutMs: 20_000 });
    try {
      await source.start();
      expect(source.ready()).toBe(true);
      expect(source.status().kinds.every((k) => k.error === undefined)).toBe(true);
      expect(source.snapshot().mesh.namespaces.has('gic')).toBe(true);
    } finally {
      await source.stop();
    }
  });
});
