// A mesh seed (mesh-and-requests.ts) as the Kubernetes manifests that describe it: Namespaces,
// Deployments with their Services, Gateways, the three Istio security kinds and the `istio` ConfigMap.
// `gic check --mesh` and the Istio oracle read the same text, so a differential compares the two
// readings as well as the two decisions. Inputs only: nothing here predicts a verdict.
import fc from 'fast-check';
import { stringify } from 'yaml';

import type { AccessRequest } from '../../src/policy/evaluate/access-request.js';
import { GATEWAY_NAME_LABEL, INGRESS, K8S_GATEWAY, type MeshSeed, meshConfigOf, NAMESPACES, ROOT, WAYPOINT, wideMeshSeedArb, wideRequestArb } from './mesh-and-requests.js';

type Doc = Record<string, unknown>;

function deployment(namespace: string, name: string, labels: Record<string, string>, serviceAccount: string, proxy: boolean): Doc {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: serviceAccount,
          containers: [
            { name: 'app', image: 'app', ports: [{ containerPort: 80 }, { containerPort: 9000 }] },
            ...(proxy ? [{ name: 'istio-proxy', image: 'proxyv2' }] : []),
          ],
        },
      },
    },
  };
}

function service(namespace: string, app: string): Doc {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: app, namespace },
    spec: {
      selector: { app },
      ports: [
        { name: 'http', port: 8080, targetPort: 80 },
        { name: 'tcp', port: 9000 },
      ],
    },
  };
}

const DATAPLANE_LABELS: Record<string, Record<string, string>> = {
  sidecar: { 'sidecar.istio.io/inject': 'true' },
  ambient: { 'istio.io/dataplane-mode': 'ambient' },
  none: {},
};

/** The manifests of a seed, one YAML stream. Policy names are `p<i>`, `pa<i>`, `ra<i>`. */
export function meshManifests(seed: MeshSeed): string {
  const docs: Doc[] = [];
  for (const ns of [ROOT, ...NAMESPACES]) {
    const labels = seed.waypoint === true && ns === 'bar' ? { 'istio.io/use-waypoint': WAYPOINT } : undefined;
    docs.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, ...(labels === undefined ? {} : { labels }) } });
  }
  const mc = meshConfigOf(seed);
  docs.push({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'istio', namespace: ROOT },
    data: {
      mesh: stringify({
        trustDomain: mc.trustDomain,
        ...(mc.trustDomainAliases.length > 0 ? { trustDomainAliases: mc.trustDomainAliases } : {}),
        extensionProviders: mc.extensionProviders,
        pathNormalization: { normalization: mc.pathNormalization },
      }),
    },
  });
  for (const w of seed.workloads) {
    docs.push(deployment(w.namespace, w.app, { app: w.app, ...DATAPLANE_LABELS[w.dataplane] }, w.serviceAccount, false), service(w.namespace, w.app));
  }
  if (seed.waypoint === true) {
    docs.push({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: WAYPOINT, namespace: 'bar' }, spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] } });
  }
  if (seed.ingress === true) {
    docs.push(deployment('foo', INGRESS, { istio: 'ingressgateway', app: INGRESS }, INGRESS, true), service('foo', INGRESS));
  }
  if (seed.k8sGateway === true) {
    docs.push({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: K8S_GATEWAY, namespace: 'foo' }, spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] } });
    docs.push(deployment('foo', `${K8S_GATEWAY}-istio`, { [GATEWAY_NAME_LABEL]: K8S_GATEWAY }, `${K8S_GATEWAY}-istio`, true));
  }
  seed.policies.forEach((p, i) => {
    docs.push({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: `p${i}`, namespace: p.namespace, ...(p.dryRun ? { annotations: { 'istio.io/dry-run': 'true' } } : {}) },
      spec: p.spec,
    });
  });
  seed.peerAuthentications.forEach((p, i) => {
    docs.push({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: `pa${i}`, namespace: p.namespace, creationTimestamp: p.ts }, spec: p.spec });
  });
  seed.requestAuthentications.forEach((r, i) => {
    docs.push({ apiVersion: 'security.istio.io/v1', kind: 'RequestAuthentication', metadata: { name: `ra${i}`, namespace: r.namespace }, spec: r.spec });
  });
  return docs.map((d) => stringify(d)).join('---\n');
}

/** A wide mesh as manifests, with wide requests against it. */
export const meshTextAndRequestsArb: fc.Arbitrary<{ seed: MeshSeed; text: string; requests: AccessRequest[] }> = wideMeshSeedArb.chain((seed) =>
  fc.array(wideRequestArb(seed), { minLength: 1, maxLength: 10 }).map((requests) => ({ seed, text: meshManifests(seed), requests })),
);
