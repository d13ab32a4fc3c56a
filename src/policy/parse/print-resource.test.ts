import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';

import type { Mesh } from '../resources/mesh.js';
import { KUBE_YAML_SCHEMA } from './kube-yaml.js';
import { parseMesh } from './parse-mesh.js';
import { printMesh, printResource } from './print-resource.js';

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
const text = fc.string({ maxLength: 12 });
const strings = fc.array(text, { maxLength: 3 });
const labelKey = fc.oneof(fc.stringMatching(/^[a-z][a-z0-9.-]{0,6}(\/[a-z][a-z0-9-]{0,6})?$/), fc.constantFrom('app', 'version'));
const labels = fc.dictionary(labelKey, text, { maxKeys: 3 });
const istioNamespaceLabels = fc.record(
  { 'istio-injection': fc.constantFrom('enabled', 'disabled'), 'istio.io/rev': fc.constantFrom('default', 'canary'), 'istio.io/dataplane-mode': fc.constantFrom('ambient', 'none') },
  { requiredKeys: [] },
);
const istioPodLabels = fc.record(
  {
    'sidecar.istio.io/inject': fc.constantFrom('true', 'false', 'maybe'),
    'istio.io/dataplane-mode': fc.constantFrom('ambient', 'none'),
    'istio.io/rev': fc.constant('default'),
    'gateway.networking.k8s.io/gateway-name': fc.constantFrom('gw', 'wp'),
    'gateway.istio.io/managed': fc.constant('istio.io-mesh-controller'),
  },
  { requiredKeys: [] },
);
const podAnnotations = fc.record(
  { 'sidecar.istio.io/inject': fc.constantFrom('true', 'false'), 'sidecar.istio.io/rewriteAppHTTPProbers': fc.constantFrom('false', 'true', 'x'), 'sidecar.istio.io/status': fc.constant('{}') },
  { requiredKeys: [] },
);
const portNumber = fc.integer({ min: 1, max: 65535 });
const selector = fc.record({ matchLabels: fc.dictionary(labelKey, text, { maxKeys: 2 }) }, { requiredKeys: [] });

const namespaceDoc = fc.record({ name, labels: fc.tuple(labels, istioNamespaceLabels) }).map(({ name: n, labels: [l, i] }) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n, labels: { ...l, ...i } } }));

const container = fc.record({
  name: fc.constantFrom('app', 'side', 'istio-proxy'),
  ports: fc.array(fc.record({ containerPort: portNumber, name: fc.option(name, { nil: undefined }), protocol: fc.constantFrom('TCP', 'UDP', undefined) }, { requiredKeys: ['containerPort'] }), { maxLength: 2 }),
  readinessProbe: fc.option(fc.oneof(fc.record({ httpGet: fc.record({ port: fc.oneof(portNumber, name) }) }), fc.record({ tcpSocket: fc.record({ port: portNumber }) })), { nil: undefined }),
});
const podTemplate = fc.record({ labels: fc.tuple(labels, istioPodLabels), annotations: podAnnotations, sa: fc.option(name, { nil: undefined }), containers: fc.array(container, { minLength: 1, maxLength: 2 }) }).map((t) => ({
  metadata: { labels: { ...t.labels[0], ...t.labels[1] }, annotations: t.annotations },
  spec: { ...(t.sa === undefined ? {} : { serviceAccountName: t.sa }), containers: t.containers.map((c, i) => ({ ...c, name: c.name === 'istio-proxy' ? c.name : `${c.name}-${i}` })) },
}));
const workloadDoc = (namespaces: string[]) =>
  fc.record({ kind: fc.constantFrom('Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'), name, namespace: fc.constantFrom(...namespaces), template: podTemplate }).map(({ kind, name: n, namespace, template }) => {
    const metadata = { name: n, namespace };
    if (kind === 'Pod') return { apiVersion: 'v1', kind, metadata: { ...metadata, ...template.metadata }, spec: template.spec };
    const apiVersion = kind === 'Job' || kind === 'CronJob' ? 'batch/v1' : 'apps/v1';
    if (kind === 'CronJob') return { apiVersion, kind, metadata, spec: { schedule: '@hourly', jobTemplate: { spec: { template } } } };
    return { apiVersion, kind, metadata, spec: { template } };
  });
const serviceDoc = (namespaces: string[]) =>
  fc.record({ name, namespace: fc.constantFrom(...namespaces), selector: labels, ports: fc.array(fc.record({ name: fc.option(name, { nil: undefined }), port: portNumber, targetPort: fc.option(fc.oneof(portNumber, name), { nil: undefined }), protocol: fc.constantFrom('TCP', 'UDP', undefined), appProtocol: fc.option(fc.constantFrom('http', 'grpc'), { nil: undefined }) }), { maxLength: 2 }) }).map(({ name: n, namespace, selector: s, ports }) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: n, namespace }, spec: { selector: s, ports } }));
const gatewayDoc = (namespaces: string[]) =>
  fc.record({ name: fc.constantFrom('gw', 'wp'), namespace: fc.constantFrom(...namespaces), cls: fc.constantFrom('istio', 'istio-waypoint') }).map(({ name: n, namespace, cls }) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: n, namespace }, spec: { gatewayClassName: cls, listeners: [{ name: 'l', port: 80, protocol: 'HTTP' }] } }));
const rule = fc.record(
  {
    from: fc.array(fc.record({ source: fc.record({ principals: strings, notNamespaces: strings, ipBlocks: strings }, { requiredKeys: [] }) }), { maxLength: 2 }),
    to: fc.array(fc.record({ operation: fc.record({ methods: strings, paths: strings, ports: strings }, { requiredKeys: [] }) }), { maxLength: 2 }),
    when: fc.array(fc.record({ key: text, values: strings }, { requiredKeys: ['key'] }), { maxLength: 2 }),
  },
  { requiredKeys: [] },
);
const policyDoc = (namespaces: string[]) =>
  fc.oneof(
    fc.record({ selector, action: fc.constantFrom('ALLOW', 'DENY', 'AUDIT'), rules: fc.array(rule, { maxLength: 2 }) }, { requiredKeys: [] }).map((spec) => ({ kind: 'AuthorizationPolicy', spec })),
    fc.record({ selector, mtls: fc.record({ mode: fc.constantFrom('UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT') }), portLevelMtls: fc.dictionary(portNumber.map(String), fc.record({ mode: fc.constantFrom('DISABLE', 'STRICT') }), { minKeys: 1, maxKeys: 2 }) }, { requiredKeys: [] }).map((spec) => ({ kind: 'PeerAuthentication', spec })),
    fc.record({ selector, jwtRules: fc.array(fc.record({ issuer: text, audiences: strings, forwardOriginalToken: fc.boolean() }, { requiredKeys: [] }), { maxLength: 2 }) }, { requiredKeys: [] }).map((spec) => ({ kind: 'RequestAuthentication', spec })),
  ).chain((p) => fc.record({ name, namespace: fc.constantFrom(...namespaces), version: fc.constantFrom('v1', 'v1beta1'), ts: fc.option(fc.constant('2024-01-02T03:04:05Z'), { nil: undefined }) }).map(({ name: n, namespace, version, ts }) => ({ apiVersion: `security.istio.io/${version}`, kind: p.kind, metadata: { name: n, namespace, ...(ts === undefined ? {} : { creationTimestamp: ts }) }, spec: p.spec })));
const meshConfigDoc = (namespaces: string[]) =>
  fc.record({ namespace: fc.constantFrom(...namespaces), trustDomain: fc.constantFrom('cluster.local', 'example.org'), normalization: fc.constantFrom('NONE', 'DEFAULT', 'MERGE_SLASHES'), root: fc.option(name, { nil: undefined }) }).map((c) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'istio', namespace: c.namespace },
    data: { mesh: stringify({ trustDomain: c.trustDomain, pathNormalization: { normalization: c.normalization }, ...(c.root === undefined ? {} : { rootNamespace: c.root }), extensionProviders: [{ name: 'authz', envoyExtAuthzHttp: { service: 'a.b', port: 80 } }] }, KUBE_YAML_SCHEMA) },
  }));

const meshDocs = fc.uniqueArray(name, { minLength: 1, maxLength: 3 }).chain((namespaces) =>
  fc
    .tuple(
      fc.array(namespaceDoc, { maxLength: 3 }),
      fc.array(workloadDoc(namespaces), { maxLength: 4 }),
      fc.array(serviceDoc(namespaces), { maxLength: 2 }),
      fc.array(gatewayDoc(namespaces), { maxLength: 2 }),
      fc.array(policyDoc(namespaces), { maxLength: 4 }),
      fc.option(meshConfigDoc(namespaces), { nil: undefined }),
      fc.boolean(),
    )
    .map(([nss, workloads, services, gateways, policies, config, json]) => ({ docs: [...nss, ...(config === undefined ? [] : [config]), ...workloads, ...services, ...gateways, ...policies], json })),
);

/** The mesh as plain data: functions and source positions dropped, namespaces as entries. */
function plain(mesh: Mesh): unknown {
  return JSON.parse(
    JSON.stringify({ ...mesh, namespaces: [...mesh.namespaces.entries()], meshConfigSource: mesh.meshConfigSource === undefined ? undefined : { namespace: mesh.meshConfigSource.namespace } }, (key, value: unknown) => (key === 'source' ? undefined : value)),
  );
}

describe('printResource', () => {
  it('parse -> print -> parse keeps the same mesh, and printing is a fixpoint', () => {
    fc.assert(
      fc.property(meshDocs, ({ docs, json }) => {
        const source = json ? { file: 'in.json', text: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: docs }) } : { file: 'in.yaml', text: docs.map((d) => `---\n${stringify(d, KUBE_YAML_SCHEMA)}`).join('') };
        const first = parseMesh([source]);
        expect(first.findings.filter((f) => f.rule !== 'mesh.duplicate-object')).toEqual([]);
        const printed = printMesh(first.mesh);
        const second = parseMesh([{ file: 'printed.yaml', text: printed }]);
        expect(second.findings).toEqual([]);
        expect(plain(second.mesh)).toEqual(plain(first.mesh));
        expect(printMesh(second.mesh)).toBe(printed);
      }),
      { numRuns: 150 },
    );
  });

  it('renders deterministically with sorted spec keys and no anchors', () => {
    const text = '---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: a, namespace: ns1, labels: {z: "1", a: "true"}}\nspec:\n  rules:\n  - to: &t [{operation: {methods: [GET]}}]\n  - to: *t\n  action: DENY\n';
    const { mesh } = parseMesh([{ file: 'a.yaml', text }]);
    expect(printResource(mesh.authorizationPolicies[0]!)).toBe(
      [
        'apiVersion: security.istio.io/v1',
        'kind: AuthorizationPolicy',
        'metadata:',
        '  name: a',
        '  namespace: ns1',
        '  labels:',
        '    a: "true"',
        '    z: "1"',
        'spec:',
        '  action: DENY',
        '  rules:',
        '  - to:',
        '    - operation:',
        '        methods:',
        '        - GET',
        '  - to:',
        '    - operation:',
        '        methods:',
        '        - GET',
        '',
      ].join('\n'),
    );
  });
});
