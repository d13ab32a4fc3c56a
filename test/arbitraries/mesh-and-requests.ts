// fast-check arbitraries of whole Mesh snapshots (namespaces, sidecar and ambient workloads, Services,
// AuthorizationPolicies of every action with dry-run, PeerAuthentications, RequestAuthentications,
// MeshConfig with ext-authz providers) and of `gic check` requests against them. Values are drawn from
// small pools so that policies and requests meet often. They generate inputs only, never verdicts.
// The `wide*` variants add what the evaluation oracle differential needs (ingress and Gateway-API
// gateways, ad-hoc and unknown targets, trust-domain aliases, remote/destination addresses, every
// request.auth.* key, nested and space-delimited claims, header presence, path normalization); the
// plain ones keep the distribution the diff and evaluate properties were written for.
import fc from 'fast-check';

import type { AccessRequest } from '../../src/policy/evaluate/access-request.js';
import type { AuthorizationPolicySpec, Condition, Operation, Rule, Source } from '../../src/policy/resources/authorization-policy.js';
import { DEFAULT_MESH_CONFIG, type MeshConfig } from '../../src/policy/resources/mesh-config.js';
import type { AuthorizationPolicy, Mesh, MeshObject, PeerAuthentication, RequestAuthentication, Service, Workload } from '../../src/policy/resources/mesh.js';
import type { PeerAuthenticationSpec } from '../../src/policy/resources/peer-authentication.js';
import type { RequestAuthenticationSpec } from '../../src/policy/resources/request-authentication.js';

export const ROOT = 'istio-system';
export const NAMESPACES = ['foo', 'bar'] as const;
const APPS = ['a', 'b', 'c'] as const;
const SERVICE_ACCOUNTS = ['sa1', 'sa2'] as const;
const PORTS = [80, 9000] as const;
/** The waypoint of namespace `bar` when a seed has one (Gateway `bar/wp`, class istio-waypoint). */
export const WAYPOINT = 'wp';
export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

/** Metadata of a snapshot object (no source file: line 1 everywhere). */
export function meshObject(kind: string, namespace: string, name: string, extra: { apiVersion?: string; labels?: Record<string, string>; annotations?: Record<string, string>; creationTimestamp?: string } = {}): MeshObject {
  return {
    kind,
    namespace,
    name,
    apiVersion: extra.apiVersion ?? 'v1',
    labels: extra.labels ?? {},
    annotations: extra.annotations ?? {},
    ...(extra.creationTimestamp === undefined ? {} : { creationTimestamp: extra.creationTimestamp }),
    source: { file: 'generated.yaml', line: 1, column: 1 },
    lineOf: () => 1,
  };
}

export function workload(namespace: string, name: string, app: string, serviceAccount: string, dataplane: Workload['dataplane']): Workload {
  return {
    ...meshObject('Deployment', namespace, name, { apiVersion: 'apps/v1', labels: { app } }),
    serviceAccount,
    containerPorts: PORTS.map((port) => ({ port, protocol: 'TCP' })),
    dataplane,
    isWaypoint: false,
    probes: [],
  };
}

export function service(namespace: string, app: string): Service {
  return {
    ...meshObject('Service', namespace, app),
    selector: { app },
    ports: [
      { name: 'http', port: 8080, targetPort: 80, protocol: 'TCP' },
      { name: 'tcp', port: 9000, protocol: 'TCP' },
    ],
  };
}

export function securityPolicy<S>(kind: string, namespace: string, name: string, spec: S, extra: { apiVersion?: string; annotations?: Record<string, string>; creationTimestamp?: string } = {}): MeshObject & { spec: S } {
  return { ...meshObject(kind, namespace, name, { ...extra, apiVersion: extra.apiVersion ?? 'security.istio.io/v1' }), spec };
}

const some = <T>(arb: fc.Arbitrary<T>, max = 2): fc.Arbitrary<T[]> => fc.array(arb, { minLength: 1, maxLength: max });
const maybe = <T>(arb: fc.Arbitrary<T>, presence = 0.3): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: Math.round((1 - presence) * 10) }, { arbitrary: arb, weight: Math.round(presence * 10) });

function compact<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}

const principal = fc.constantFrom('cluster.local/ns/foo/sa/sa1', 'cluster.local/ns/bar/sa/sa2', 'cluster.local/ns/bar/*', '*', '*/sa/sa2', 'other.td/ns/foo/sa/sa1');
const namespaceValue = fc.constantFrom('foo', 'bar', '*', 'b*', '*oo');
const serviceAccountValue = fc.constantFrom('foo/sa1', 'bar/sa2', 'sa1');
const ipValue = fc.constantFrom('10.0.0.0/8', '10.1.2.3', '192.168.0.0/16', '2001:db8::/32');
const requestPrincipalValue = fc.constantFrom('https://iss/alice', '*', 'https://iss/*', '*/bob');
const trustDomainValue = fc.constantFrom('cluster.local', 'other.td', '*');

const widePrincipal = fc.oneof(principal, fc.constantFrom('old.td/ns/foo/sa/sa1', 'new.td/ns/bar/sa/sa2', 'cluster.local/ns/foo/sa/igw', 'old.td/*', '*/ns/foo/sa/sa1'));
const wideRequestPrincipalValue = fc.constantFrom('https://iss/alice', '*', 'https://iss/*', '*/bob', 'https://iss2/carol', 'https://iss', '*alice');
const wideTrustDomainValue = fc.constantFrom('cluster.local', 'other.td', 'old.td', 'new.td', '*', '*.td', 'old*');

export const sourceArb: fc.Arbitrary<Source> = fc
  .record({
    principals: maybe(some(principal)),
    notPrincipals: maybe(some(principal), 0.15),
    namespaces: maybe(some(namespaceValue)),
    notNamespaces: maybe(some(namespaceValue), 0.15),
    ipBlocks: maybe(some(ipValue), 0.15),
    notIpBlocks: maybe(some(ipValue), 0.1),
    remoteIpBlocks: maybe(some(ipValue), 0.1),
    requestPrincipals: maybe(some(requestPrincipalValue), 0.2),
    notRequestPrincipals: maybe(some(requestPrincipalValue), 0.1),
    trustDomains: maybe(some(trustDomainValue), 0.1),
  })
  .map(compact)
  .chain((s) => (Object.keys(s).length > 0 ? fc.constant(s) : fc.constant<Source>({ namespaces: ['foo'] })));

const wideSourceArb: fc.Arbitrary<Source> = fc
  .record({
    principals: maybe(some(widePrincipal)),
    notPrincipals: maybe(some(widePrincipal), 0.15),
    namespaces: maybe(some(namespaceValue)),
    notNamespaces: maybe(some(namespaceValue), 0.15),
    ipBlocks: maybe(some(ipValue), 0.15),
    notIpBlocks: maybe(some(ipValue), 0.1),
    remoteIpBlocks: maybe(some(ipValue), 0.15),
    notRemoteIpBlocks: maybe(some(ipValue), 0.1),
    requestPrincipals: maybe(some(wideRequestPrincipalValue), 0.25),
    notRequestPrincipals: maybe(some(wideRequestPrincipalValue), 0.1),
    trustDomains: maybe(some(wideTrustDomainValue), 0.15),
    notTrustDomains: maybe(some(wideTrustDomainValue), 0.1),
  })
  .map(compact)
  .chain((s) => (Object.keys(s).length > 0 ? fc.constant(s) : fc.constant<Source>({ namespaces: ['foo'] })));

/** serviceAccounts cannot be combined with principals/namespaces: a separate Source shape. */
const serviceAccountSource: fc.Arbitrary<Source> = fc.record({ serviceAccounts: some(serviceAccountValue) });

export const operationArb: fc.Arbitrary<Operation> = fc
  .record({
    methods: maybe(some(fc.constantFrom('GET', 'POST', '*'))),
    notMethods: maybe(some(fc.constantFrom('DELETE')), 0.1),
    paths: maybe(some(fc.constantFrom('/a', '/a/*', '*/b', '/x/{*}', '/y/{**}', '*'))),
    notPaths: maybe(some(fc.constantFrom('/a/admin')), 0.1),
    hosts: maybe(some(fc.constantFrom('h.example.com', '*.example.com', '*')), 0.2),
    ports: maybe(some(fc.constantFrom('80', '9000'))),
    notPorts: maybe(some(fc.constantFrom('9000')), 0.1),
  })
  .map(compact)
  .chain((o) => (Object.keys(o).length > 0 ? fc.constant(o) : fc.constant<Operation>({ ports: ['80'] })));

const wideOperationArb: fc.Arbitrary<Operation> = fc
  .record({
    methods: maybe(some(fc.constantFrom('GET', 'POST', '*', 'G*'))),
    notMethods: maybe(some(fc.constantFrom('DELETE')), 0.1),
    paths: maybe(some(fc.constantFrom('/a', '/a/*', '*/b', '/x/{*}', '/y/{**}', '*', '/a/admin', '/y/{**}/z'))),
    notPaths: maybe(some(fc.constantFrom('/a/admin', '/x/{*}')), 0.1),
    hosts: maybe(some(fc.constantFrom('h.example.com', '*.example.com', '*', 'h.example.com:*', 'a.foo*')), 0.2),
    notHosts: maybe(some(fc.constantFrom('other.org', '*.org')), 0.1),
    ports: maybe(some(fc.constantFrom('80', '9000', '8080'))),
    notPorts: maybe(some(fc.constantFrom('9000')), 0.1),
  })
  .map(compact)
  .chain((o) => (Object.keys(o).length > 0 ? fc.constant(o) : fc.constant<Operation>({ ports: ['80'] })));

export const conditionArb: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({ key: fc.constant('request.headers[x-k]'), values: some(fc.constantFrom('v', '*', 'v*')) }),
  fc.record({ key: fc.constant('request.headers[x-k]'), notValues: some(fc.constantFrom('v')) }),
  fc.record({ key: fc.constant('source.ip'), values: some(ipValue) }),
  fc.record({ key: fc.constant('destination.port'), values: some(fc.constantFrom('80', '9000')) }),
  fc.record({ key: fc.constant('source.namespace'), values: some(namespaceValue) }),
  fc.record({ key: fc.constant('source.principal'), notValues: some(principal) }),
  fc.record({ key: fc.constant('request.auth.claims[groups]'), values: some(fc.constantFrom('g1', 'g2')) }),
  fc.record({ key: fc.constant('connection.sni'), values: some(fc.constantFrom('*.foo.svc.cluster.local', 'x')) }),
  fc.record({ key: fc.constant('source.serviceAccount'), values: some(serviceAccountValue) }),
);

const wideConditionArb: fc.Arbitrary<Condition> = fc.oneof(
  conditionArb,
  fc.record({ key: fc.constant('request.headers[x-k]'), notValues: some(fc.constantFrom('*', 'v*')) }),
  fc.record({ key: fc.constant('remote.ip'), values: some(ipValue) }),
  fc.record({ key: fc.constant('remote.ip'), notValues: some(ipValue) }),
  fc.record({ key: fc.constant('destination.ip'), values: some(fc.constantFrom('10.4.5.6', '10.0.0.0/8', '192.168.0.0/16')) }),
  fc.record({ key: fc.constant('request.auth.principal'), values: some(wideRequestPrincipalValue) }),
  fc.record({ key: fc.constant('request.auth.audiences'), values: some(fc.constantFrom('gic', 'https://gic/', 'x', 'g*')) }),
  fc.record({ key: fc.constant('request.auth.presenter'), values: some(fc.constantFrom('web', 'w*')) }),
  fc.record({ key: fc.constant('request.auth.claims[nested][k]'), values: some(fc.constantFrom('v1', 'v*')) }),
  fc.record({ key: fc.constant('request.auth.claims[scope]'), values: some(fc.constantFrom('read', 'write')) }),
  fc.record({ key: fc.constant('request.auth.claims[groups]'), notValues: some(fc.constantFrom('g1')) }),
  fc.record({ key: fc.constant('source.trustDomain'), values: some(wideTrustDomainValue) }),
  fc.record({ key: fc.constant('source.principal'), values: some(widePrincipal) }),
  fc.record({ key: fc.constant('destination.port'), notValues: some(fc.constantFrom('80')) }),
);

export const ruleArb: fc.Arbitrary<Rule> = fc
  .record({
    from: maybe(some(fc.oneof({ arbitrary: sourceArb, weight: 4 }, { arbitrary: serviceAccountSource, weight: 1 }).map((source) => ({ source })))),
    to: maybe(some(operationArb.map((operation) => ({ operation })))),
    when: maybe(some(conditionArb), 0.25),
  })
  .map(compact);

const wideRuleArb: fc.Arbitrary<Rule> = fc
  .record({
    from: maybe(some(fc.oneof({ arbitrary: wideSourceArb, weight: 4 }, { arbitrary: serviceAccountSource, weight: 1 }).map((source) => ({ source })))),
    to: maybe(some(wideOperationArb.map((operation) => ({ operation })))),
    when: maybe(some(wideConditionArb), 0.35),
  })
  .map(compact);

export type ActionName = 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM';

export interface PolicySeed {
  readonly namespace: string;
  readonly action: ActionName;
  readonly spec: AuthorizationPolicySpec;
  readonly dryRun: boolean;
}

/** The ingress gateway of a wide seed: workload `foo/igw` labelled `istio: ingressgateway`. */
export const INGRESS = 'igw';
/** The Gateway-API gateway of a wide seed: Gateway `foo/gw` (class istio), pods `foo/gw-istio`. */
export const K8S_GATEWAY = 'gw';

export function policySeedArb(action?: ActionName, wide = false): fc.Arbitrary<PolicySeed> {
  const selectorArb = wide
    ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...APPS).map((app) => ({ matchLabels: { app } as Record<string, string> })) }, { weight: 1, arbitrary: fc.constant({ matchLabels: { istio: 'ingressgateway' } as Record<string, string> }) })
    : fc.constantFrom(...APPS).map((app) => ({ matchLabels: { app } as Record<string, string> }));
  return fc
    .record({
      namespace: fc.constantFrom(ROOT, ...NAMESPACES),
      action: action === undefined ? fc.constantFrom<ActionName>('ALLOW', 'ALLOW', 'DENY', 'DENY', 'AUDIT', 'CUSTOM') : fc.constant(action),
      selector: maybe(selectorArb, 0.5),
      // Attached to the waypoint of `bar` instead (it decides only in `bar` or the root namespace);
      // wide seeds also attach to the Gateway-API gateway `foo/gw`.
      toWaypoint: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      toGateway: wide ? fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }) : fc.constant(false),
      rules: fc.array(wide ? wideRuleArb : ruleArb, { minLength: 0, maxLength: 3 }),
      provider: fc.constantFrom('ext-http', 'ext-grpc', 'missing'),
      dryRun: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      omitAction: fc.boolean(),
    })
    .map(({ namespace, action: a, selector, toWaypoint, toGateway, rules, provider, dryRun, omitAction }) => {
      // DENY and CUSTOM without rules are rejected by validation: give them one.
      const r = rules.length === 0 && (a === 'DENY' || a === 'CUSTOM') ? [{}] : rules;
      const ref = (name: string) => ({ targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name }] });
      const attachment = toGateway ? ref(K8S_GATEWAY) : toWaypoint ? ref(WAYPOINT) : { selector };
      const spec: AuthorizationPolicySpec = compact({ ...attachment, action: a === 'ALLOW' && omitAction ? undefined : a, rules: r, provider: a === 'CUSTOM' ? { name: provider } : undefined });
      return { namespace, action: a, spec, dryRun: dryRun && (a === 'ALLOW' || a === 'DENY') };
    });
}

export function authorizationPolicy(seed: PolicySeed, name: string, apiVersion = 'security.istio.io/v1'): AuthorizationPolicy {
  return securityPolicy('AuthorizationPolicy', seed.namespace, name, seed.spec, { apiVersion, annotations: seed.dryRun ? { 'istio.io/dry-run': 'true' } : {} });
}

const peerAuthenticationArb: fc.Arbitrary<{ namespace: string; spec: PeerAuthenticationSpec; ts: string }> = fc.record({
  namespace: fc.constantFrom(ROOT, ...NAMESPACES),
  spec: fc.oneof(
    fc.record({ mtls: fc.record({ mode: fc.constantFrom('STRICT', 'PERMISSIVE', 'DISABLE', 'UNSET') as fc.Arbitrary<'STRICT' | 'PERMISSIVE' | 'DISABLE' | 'UNSET'> }) }),
    fc.record({
      selector: fc.constantFrom(...APPS).map((app) => ({ matchLabels: { app } })),
      mtls: fc.record({ mode: fc.constantFrom('STRICT', 'PERMISSIVE') as fc.Arbitrary<'STRICT' | 'PERMISSIVE'> }),
      portLevelMtls: fc.constant({ '9000': { mode: 'PERMISSIVE' as const } }),
    }),
  ),
  ts: fc.constantFrom('2024-01-01T00:00:00Z', '2024-06-01T00:00:00Z', '2025-01-01T00:00:00Z'),
});

const requestAuthenticationArb: fc.Arbitrary<{ namespace: string; spec: RequestAuthenticationSpec }> = fc.record({
  namespace: fc.constantFrom(ROOT, ...NAMESPACES),
  spec: fc.record({ jwtRules: fc.constant([{ issuer: 'https://iss', audiences: ['gic'] }]) }),
});

const wideRequestAuthenticationArb: fc.Arbitrary<{ namespace: string; spec: RequestAuthenticationSpec }> = fc.record({
  namespace: fc.constantFrom(ROOT, ...NAMESPACES),
  spec: fc.record({
    selector: maybe(fc.constantFrom(...APPS, 'igw').map((app) => ({ matchLabels: { app } })), 0.3),
    jwtRules: fc.array(
      fc.record({
        issuer: fc.constantFrom('https://iss', 'https://iss2'),
        audiences: maybe(fc.constantFrom(['gic'], ['https://gic/'], ['gic', 'other']), 0.7),
        fromHeaders: maybe(fc.constant([{ name: 'x-jwt' }]), 0.2),
        spaceDelimitedClaims: maybe(fc.constant(['groups']), 0.2),
      }).map(compact),
      { minLength: 1, maxLength: 2, selector: (r) => r.issuer } as fc.UniqueArrayConstraints<{ issuer: string }, string>,
    ),
  }).map(compact),
}) as fc.Arbitrary<{ namespace: string; spec: RequestAuthenticationSpec }>;

export interface MeshSeed {
  readonly workloads: readonly { namespace: string; app: string; serviceAccount: string; dataplane: Workload['dataplane'] }[];
  readonly policies: readonly PolicySeed[];
  readonly peerAuthentications: readonly { namespace: string; spec: PeerAuthenticationSpec; ts: string }[];
  readonly requestAuthentications: readonly { namespace: string; spec: RequestAuthenticationSpec }[];
  readonly trustDomainAliases: readonly string[];
  /** Namespace `bar` sends its Services' traffic through the waypoint `bar/wp`. */
  readonly waypoint?: boolean;
  /** MeshConfig trustDomain (default cluster.local). */
  readonly trustDomain?: string;
  /** An ingress gateway `foo/igw` (labels `istio: ingressgateway`, `app: igw`). */
  readonly ingress?: boolean;
  /** A Gateway-API gateway: Gateway `foo/gw` of class istio and its pods `foo/gw-istio`. */
  readonly k8sGateway?: boolean;
  readonly pathNormalization?: MeshConfig['pathNormalization'];
}

export const meshSeedArb: fc.Arbitrary<MeshSeed> = fc.record({
  workloads: fc.uniqueArray(
    fc.record({
      namespace: fc.constantFrom(...NAMESPACES),
      app: fc.constantFrom(...APPS),
      serviceAccount: fc.constantFrom(...SERVICE_ACCOUNTS),
      dataplane: fc.constantFrom<Workload['dataplane']>('sidecar', 'sidecar', 'sidecar', 'ambient', 'none'),
    }),
    { minLength: 1, maxLength: 5, selector: (w) => `${w.namespace}/${w.app}` },
  ),
  policies: fc.array(policySeedArb(), { minLength: 0, maxLength: 6 }),
  peerAuthentications: fc.array(peerAuthenticationArb, { minLength: 0, maxLength: 2 }),
  requestAuthentications: fc.array(requestAuthenticationArb, { minLength: 0, maxLength: 1 }),
  trustDomainAliases: fc.constantFrom([], ['other.td']),
  waypoint: fc.boolean(),
});

/** Meshes for the oracle differential: everything `meshSeedArb` draws, plus gateways and mesh settings. */
export const wideMeshSeedArb: fc.Arbitrary<MeshSeed> = fc.record({
  workloads: fc.uniqueArray(
    fc.record({
      namespace: fc.constantFrom(...NAMESPACES),
      app: fc.constantFrom(...APPS),
      serviceAccount: fc.constantFrom(...SERVICE_ACCOUNTS),
      dataplane: fc.constantFrom<Workload['dataplane']>('sidecar', 'sidecar', 'sidecar', 'ambient', 'none'),
    }),
    { minLength: 1, maxLength: 5, selector: (w) => `${w.namespace}/${w.app}` },
  ),
  policies: fc.array(policySeedArb(undefined, true), { minLength: 0, maxLength: 7 }),
  peerAuthentications: fc.array(peerAuthenticationArb, { minLength: 0, maxLength: 2 }),
  requestAuthentications: fc.array(wideRequestAuthenticationArb, { minLength: 0, maxLength: 2 }),
  trustDomain: fc.constantFrom('cluster.local', 'cluster.local', 'new.td'),
  trustDomainAliases: fc.constantFrom([], ['other.td'], ['old.td', 'cluster.local']),
  waypoint: fc.boolean(),
  ingress: fc.boolean(),
  k8sGateway: fc.boolean(),
  pathNormalization: fc.constantFrom<MeshConfig['pathNormalization']>('BASE', 'BASE', 'MERGE_SLASHES', 'DECODE_AND_MERGE_SLASHES', 'NONE'),
});

/** The MeshConfig of a seed: trust domain, aliases, normalization, two ext-authz providers. */
export const meshConfigOf = (seed: Pick<MeshSeed, 'trustDomainAliases' | 'trustDomain' | 'pathNormalization'>): MeshConfig => meshConfig(seed.trustDomainAliases, seed.trustDomain, seed.pathNormalization);

const meshConfig = (aliases: readonly string[], trustDomain?: string, pathNormalization?: MeshConfig['pathNormalization']): MeshConfig => ({
  ...DEFAULT_MESH_CONFIG,
  trustDomain: trustDomain ?? DEFAULT_MESH_CONFIG.trustDomain,
  pathNormalization: pathNormalization ?? DEFAULT_MESH_CONFIG.pathNormalization,
  trustDomainAliases: aliases,
  extensionProviders: [
    { name: 'ext-http', envoyExtAuthzHttp: { service: 'ext.foo.svc.cluster.local', port: 8000 } },
    { name: 'ext-grpc', envoyExtAuthzGrpc: { service: 'ext.foo.svc.cluster.local', port: 9000 } },
  ],
});

export interface BuildOptions {
  /** apiVersion of every AuthorizationPolicy. */
  readonly apiVersion?: string;
  /** Reorders the policy lists (a permutation seed); the snapshot means the same. */
  readonly shuffle?: number;
}

function permute<T>(list: readonly T[], seed: number): T[] {
  const out = [...list];
  let x = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) >>> 0;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** The snapshot a seed describes. Policy names are `p<i>`, so adding or removing one is explicit. */
export function buildMesh(seed: MeshSeed, options: BuildOptions = {}): Mesh {
  const apiVersion = options.apiVersion ?? 'security.istio.io/v1';
  const namespaces = new Map<string, MeshObject>();
  for (const ns of [ROOT, ...NAMESPACES]) namespaces.set(ns, meshObject('Namespace', '', ns, seed.waypoint === true && ns === 'bar' ? { labels: { 'istio.io/use-waypoint': WAYPOINT } } : {}));
  const workloads = seed.workloads.map((w) => workload(w.namespace, w.app, w.app, w.serviceAccount, w.dataplane));
  const services = seed.workloads.map((w) => service(w.namespace, w.app));
  const gateways: Mesh['gateways'][number][] = [];
  if (seed.waypoint === true) gateways.push({ ...meshObject('Gateway', 'bar', WAYPOINT, { apiVersion: 'gateway.networking.k8s.io/v1' }), gatewayClassName: 'istio-waypoint' });
  if (seed.ingress === true) {
    const igw = workload('foo', INGRESS, INGRESS, INGRESS, 'sidecar');
    workloads.push({ ...igw, labels: { istio: 'ingressgateway', app: INGRESS } });
    services.push(service('foo', INGRESS));
  }
  if (seed.k8sGateway === true) {
    gateways.push({ ...meshObject('Gateway', 'foo', K8S_GATEWAY, { apiVersion: 'gateway.networking.k8s.io/v1' }), gatewayClassName: 'istio' });
    const pods = workload('foo', `${K8S_GATEWAY}-istio`, `${K8S_GATEWAY}-istio`, `${K8S_GATEWAY}-istio`, 'sidecar');
    workloads.push({ ...pods, labels: { [GATEWAY_NAME_LABEL]: K8S_GATEWAY }, gatewayName: K8S_GATEWAY });
  }
  let policies: AuthorizationPolicy[] = seed.policies.map((p, i) => authorizationPolicy(p, `p${i}`, apiVersion));
  let pas: PeerAuthentication[] = seed.peerAuthentications.map((p, i) => securityPolicy('PeerAuthentication', p.namespace, `pa${i}`, p.spec, { apiVersion, creationTimestamp: p.ts }));
  let ras: RequestAuthentication[] = seed.requestAuthentications.map((r, i) => securityPolicy('RequestAuthentication', r.namespace, `ra${i}`, r.spec, { apiVersion }));
  if (options.shuffle !== undefined) {
    policies = permute(policies, options.shuffle);
    pas = permute(pas, options.shuffle + 1);
    ras = permute(ras, options.shuffle + 2);
  }
  return {
    meshConfig: meshConfigOf(seed),
    namespaces,
    workloads,
    services,
    serviceAccounts: [],
    gateways,
    authorizationPolicies: policies,
    peerAuthentications: pas,
    requestAuthentications: ras,
  };
}

/** A request to one of the seed's workloads. */
export function requestArb(seed: MeshSeed): fc.Arbitrary<AccessRequest> {
  const targets = seed.workloads;
  return fc.constantFrom(...targets).chain((target) => requestTo(target, targets));
}

function requestTo(target: MeshSeed['workloads'][number], targets: MeshSeed['workloads']): fc.Arbitrary<AccessRequest> {
  return fc
    .record({
      port: fc.constantFrom<number | undefined>(80, 9000, 8081, undefined),
      protocol: fc.constantFrom<AccessRequest['to']['protocol']>(undefined, undefined, 'http', 'tcp', 'grpc'),
      from: fc.oneof(
        fc.constantFrom(...targets).map((w) => ({ namespace: w.namespace, workload: w.app })),
        fc.constantFrom('cluster.local/ns/foo/sa/sa1', 'cluster.local/ns/bar/sa/sa2', 'other.td/ns/foo/sa/sa1', 'cluster.local/ns/baz/sa/x').map((principal) => ({ principal })),
        fc.constant({ plaintext: true as const }),
        fc.constant(undefined),
      ),
      method: maybe(fc.constantFrom('GET', 'POST', 'DELETE'), 0.7),
      path: maybe(fc.constantFrom('/a', '/a/admin', '/a/x', '/z/b', '/x/1', '/y/1/2', '/a/../b', '/%61', '/a?q=1'), 0.7),
      // The target's own Service names send ambient requests through the waypoint of `bar` (cli.md "Addressing").
      host: maybe(fc.oneof(fc.constantFrom('h.example.com', 'H.Example.com:443', 'other.org', 'a.foo'), fc.constantFrom(target.app, `${target.app}.${target.namespace}`, `${target.app}.${target.namespace}.svc.cluster.local`, `${target.app}.${target.namespace}:8080`)), 0.6),
      headers: maybe(fc.constantFrom({ 'x-k': 'v' }, { 'X-K': 'vv' }, { 'x-k': ['v', 'w'] }), 0.4),
      jwt: maybe(
        fc.oneof(
          fc.constant('invalid' as const),
          fc.constant({ iss: 'https://iss', sub: 'alice', aud: 'gic', claims: { groups: ['g1'] } }),
          fc.constant({ iss: 'https://iss', sub: 'bob', aud: ['x'] }),
          fc.constant({ iss: 'https://other', sub: 'bob' }),
        ),
        0.4,
      ),
      sourceIp: maybe(fc.constantFrom('10.1.2.3', '192.168.3.4', '2001:db8::1'), 0.5),
      sni: maybe(fc.constantFrom('outbound_.80_._.a.foo.svc.cluster.local'), 0.3),
    })
    .map(({ port, protocol, from, ...rest }) =>
      compact({
        to: compact({ namespace: target.namespace, workload: target.app, port, protocol }),
        from,
        ...rest,
      }) as AccessRequest,
    );
}

/** A mesh seed together with requests against it. */
export const meshAndRequestsArb: fc.Arbitrary<{ seed: MeshSeed; requests: AccessRequest[] }> = meshSeedArb.chain((seed) =>
  fc.array(requestArb(seed), { minLength: 1, maxLength: 8 }).map((requests) => ({ seed, requests })),
);

/** Where a wide request goes: a workload of the seed, its gateways, an ad-hoc or unknown workload. */
function wideTargetArb(seed: MeshSeed): fc.Arbitrary<{ to: AccessRequest['to']; app: string; namespace: string }> {
  const known = seed.workloads.map((w) => ({ to: { namespace: w.namespace, workload: w.app }, app: w.app, namespace: w.namespace }));
  const extra: { to: AccessRequest['to']; app: string; namespace: string }[] = [
    { to: { namespace: 'foo', workload: 'ghost' }, app: 'ghost', namespace: 'foo' },
    { to: { namespace: 'foo', labels: { app: 'a' } }, app: 'a', namespace: 'foo' },
    { to: { namespace: 'bar', labels: { app: 'b', 'istio.io/dataplane-mode': 'ambient' }, serviceAccount: 'sa2' }, app: 'b', namespace: 'bar' },
    { to: { namespace: 'foo', labels: { istio: 'ingressgateway' } }, app: INGRESS, namespace: 'foo' },
  ];
  if (seed.ingress === true) extra.push({ to: { namespace: 'foo', workload: INGRESS }, app: INGRESS, namespace: 'foo' });
  if (seed.k8sGateway === true) extra.push({ to: { namespace: 'foo', workload: K8S_GATEWAY }, app: K8S_GATEWAY, namespace: 'foo' }, { to: { namespace: 'foo', workload: `${K8S_GATEWAY}-istio` }, app: K8S_GATEWAY, namespace: 'foo' });
  if (seed.waypoint === true) extra.push({ to: { namespace: 'bar', workload: WAYPOINT }, app: WAYPOINT, namespace: 'bar' });
  return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: fc.constantFrom(...extra) });
}

/** Requests for the oracle differential: every field of `gic check`, drawn from pools policies use. */
export function wideRequestArb(seed: MeshSeed): fc.Arbitrary<AccessRequest> {
  const callers = seed.workloads.map((w) => ({ namespace: w.namespace, workload: w.app }));
  if (seed.ingress === true) callers.push({ namespace: 'foo', workload: INGRESS });
  return wideTargetArb(seed).chain(({ to, app, namespace }) =>
    fc
      .record({
        port: fc.constantFrom<number | undefined>(80, 80, 9000, 8080, 8081, undefined),
        protocol: fc.constantFrom<AccessRequest['to']['protocol']>(undefined, undefined, undefined, 'http', 'tcp', 'grpc'),
        from: fc.oneof(
          fc.constantFrom(...callers),
          fc.constantFrom('cluster.local/ns/foo/sa/sa1', 'cluster.local/ns/bar/sa/sa2', 'other.td/ns/foo/sa/sa1', 'old.td/ns/foo/sa/sa1', 'new.td/ns/bar/sa/sa2', 'cluster.local/ns/baz/sa/x', 'cluster.local/ns/foo/sa/igw').map((principal) => ({ principal })),
          fc.constant({ plaintext: true as const }),
          fc.constant({ namespace: 'bar', workload: 'nobody' }),
          fc.constant(undefined),
        ),
        method: maybe(fc.constantFrom('GET', 'POST', 'DELETE', 'get'), 0.7),
        path: maybe(fc.constantFrom('/a', '/a/admin', '/a/x', '/z/b', '/x/1', '/x/1/2', '/y/1/2', '/y/z', '/y/1/z', '/a/../b', '/%61', '/a?q=1', '/a/./admin', '//a', '/a//admin', '/x/a%2Fb', '/A', '/y/', '/a\\admin', '/a/b/../admin'), 0.75),
        host: maybe(fc.oneof(fc.constantFrom('h.example.com', 'H.Example.com:443', 'h.example.com:80', 'other.org', 'a.foo', 'x.org'), fc.constantFrom(app, `${app}.${namespace}`, `${app}.${namespace}.svc.cluster.local`, `${app}.${namespace}:8080`)), 0.6),
        headers: maybe(fc.constantFrom({ 'x-k': 'v' }, { 'X-K': 'vv' }, { 'x-k': ['v', 'w'] }, { 'x-k': '' }, { 'x-other': 'v' }), 0.4),
        jwt: maybe(
          fc.oneof(
            fc.constant('invalid' as const),
            fc.constant({ iss: 'https://iss', sub: 'alice', aud: 'gic', claims: { groups: ['g1'] } }),
            fc.constant({ iss: 'https://iss', sub: 'bob', aud: ['x'] }),
            fc.constant({ iss: 'https://other', sub: 'bob' }),
            fc.constant({ iss: 'https://iss', sub: 'alice', aud: 'https://gic/', azp: 'web', claims: { nested: { k: 'v1' }, scope: 'read write', groups: 'g1 g2' } }),
            fc.constant({ iss: 'https://iss', aud: ['other', 'gic'], claims: { nested: { k: ['v2', 'v1'] } } }),
            fc.constant({ iss: 'https://iss2', sub: 'carol', aud: 'gic', header: 'x-jwt' }),
            fc.constant({ iss: 'https://iss2', sub: 'carol', param: 'access_token' }),
            fc.constant({ iss: 'https://iss', sub: 'alice', aud: 'gic', claims: { groups: true, nested: 'flat' } }),
          ),
          0.45,
        ),
        sourceIp: maybe(fc.constantFrom('10.1.2.3', '192.168.3.4', '2001:db8::1'), 0.5),
        remoteIp: maybe(fc.constantFrom('203.0.113.7', '10.1.2.3', '192.168.0.9'), 0.3),
        destinationIp: maybe(fc.constantFrom('10.4.5.6', '172.16.0.1'), 0.3),
        sni: maybe(fc.constantFrom('outbound_.80_._.a.foo.svc.cluster.local', 'x'), 0.3),
      })
      .map(({ port, protocol, from, ...rest }) =>
        compact({
          to: compact({ ...to, port, protocol }),
          from,
          ...rest,
        }) as AccessRequest,
      ),
  );
}

/** A wide mesh seed with wide requests against it. */
export const wideMeshAndRequestsArb: fc.Arbitrary<{ seed: MeshSeed; requests: AccessRequest[] }> = wideMeshSeedArb.chain((seed) =>
  fc.array(wideRequestArb(seed), { minLength: 1, maxLength: 10 }).map((requests) => ({ seed, requests })),
);
