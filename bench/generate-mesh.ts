// Deterministic generator of a large, realistic mesh for the benchmarks: namespaces (sidecar, ambient
// with and without waypoints, outside the mesh), workloads with Services and ServiceAccounts, and
// Istio security policies using every field (all Source and Operation fields including not*, every
// `when` key, path templates, CIDRs, targetRefs, CUSTOM/AUDIT/DENY/ALLOW, dry-run), emitted as YAML
// text sources, one file per namespace. Same seed, same output. It never touches the file system.
import { stringify } from 'yaml';

import { SeededRandom } from './seeded-random.js';

export interface MeshSize {
  readonly namespaces: number;
  readonly workloads: number;
  readonly authorizationPolicies: number;
  readonly peerAuthentications: number;
  readonly requestAuthentications: number;
}

export const BENCH_MESH_SIZE: MeshSize = {
  namespaces: 500,
  workloads: 2000,
  authorizationPolicies: 5000,
  peerAuthentications: 100,
  requestAuthentications: 50,
};

export interface GeneratedPort {
  readonly port: number;
  readonly protocol: 'http' | 'grpc' | 'tcp';
}

export interface GeneratedWorkload {
  readonly namespace: string;
  readonly name: string;
  readonly serviceAccount: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly GeneratedPort[];
  readonly mode: 'sidecar' | 'ambient' | 'none';
}

export interface GeneratedMesh {
  readonly sources: { file: string; text: string }[];
  readonly workloads: readonly GeneratedWorkload[];
  readonly namespaces: readonly string[];
  readonly trustDomain: string;
  readonly issuers: readonly string[];
  readonly counts: Readonly<Record<string, number>>;
}

const ROOT = 'istio-system';
const TRUST_DOMAIN = 'bench.example.com';
export const BENCH_ISSUERS = ['https://idp.example.com', 'https://accounts.example.org/realms/ci', 'spiffe-issuer.internal'] as const;
const PROVIDERS = ['oauth2-proxy', 'opa-grpc'] as const;
const TEAMS = ['core', 'payments', 'search', 'infra', 'ml', 'web', 'mobile', 'data', 'ci', 'release'];
const APPS = ['api', 'web', 'worker', 'db', 'cache', 'gateway', 'indexer', 'scheduler', 'auth', 'reports'];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];
const GROUPS = ['gerrit-admins', 'release-managers', 'ci-admins', 'developers', 'reviewers', 'auditors', 'oncall'];
const PATHS = [
  '/api/v1/items', '/api/v1/items/*', '/admin*', '*/status', '/healthz', '/api/{*}/orders/{**}',
  '/v2/{*}/manifests/{*}', '/static/{**}', '/graphql', '*', '/a/changes/*', '/internal/*', '/metrics',
];
const HOSTS = ['*.example.com', 'api.example.com', 'api.example.com:*', '*', 'internal.svc:8080', 'shop.example.org'];

/** Builds the mesh for `seed`; BENCH_MESH_SIZE unless told otherwise. */
export function generateMesh(seed: number, size: MeshSize = BENCH_MESH_SIZE): GeneratedMesh {
  const rnd = new SeededRandom(seed);
  const namespaces = Array.from({ length: size.namespaces }, (_, i) => `${TEAMS[i % TEAMS.length]}-${String(i).padStart(3, '0')}`);
  const modes = new Map<string, 'sidecar' | 'ambient' | 'none'>();
  const waypoints = new Map<string, string>();
  const perNamespace = new Map<string, unknown[]>(namespaces.map((ns) => [ns, []]));
  const push = (ns: string, doc: unknown): void => void perNamespace.get(ns)?.push(doc);
  const root: unknown[] = [];
  const counts: Record<string, number> = { namespaces: namespaces.length, workloads: 0, services: 0, serviceAccounts: 0, gateways: 0, authorizationPolicies: 0, peerAuthentications: 0, requestAuthentications: 0 };

  root.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ROOT } });
  root.push({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'istio', namespace: ROOT },
    data: {
      mesh: stringify({
        rootNamespace: ROOT,
        trustDomain: TRUST_DOMAIN,
        trustDomainAliases: ['cluster.local', 'legacy.example.com'],
        defaultConfig: { gatewayTopology: { numTrustedProxies: 1 } },
        pathNormalization: { normalization: 'MERGE_SLASHES' },
        extensionProviders: [
          { name: 'oauth2-proxy', envoyExtAuthzHttp: { service: 'oauth2-proxy.auth.svc.cluster.local', port: 4180 } },
          { name: 'opa-grpc', envoyExtAuthzGrpc: { service: 'opa.auth.svc.cluster.local', port: 9191 } },
        ],
      }),
    },
  });

  // Namespaces: 78% sidecar, 17% ambient (a third of them with a waypoint), 5% outside the mesh.
  for (const [i, ns] of namespaces.entries()) {
    const roll = rnd.next();
    const mode = roll < 0.78 ? 'sidecar' : roll < 0.95 ? 'ambient' : 'none';
    modes.set(ns, mode);
    const labels: Record<string, string> = { team: TEAMS[i % TEAMS.length] ?? 'core' };
    if (mode === 'sidecar') {
      if (rnd.chance(0.7)) labels['istio-injection'] = 'enabled';
      else labels['istio.io/rev'] = 'default';
    }
    if (mode === 'ambient') {
      labels['istio.io/dataplane-mode'] = 'ambient';
      if (rnd.chance(0.35)) {
        const waypoint = `${ns}-waypoint`;
        waypoints.set(ns, waypoint);
        labels['istio.io/use-waypoint'] = waypoint;
      }
    }
    push(ns, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels } });
  }

  for (const [ns, waypoint] of waypoints) {
    push(ns, {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: waypoint, namespace: ns, labels: { 'istio.io/waypoint-for': 'service' } },
      spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] },
    });
    push(ns, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: waypoint, namespace: ns } });
    push(ns, deployment(ns, waypoint, waypoint, { 'gateway.networking.k8s.io/gateway-name': waypoint }, [{ name: 'hbone', containerPort: 15008 }], true));
    counts['gateways']! += 1;
  }

  // Workloads: spread over namespaces, each with a ServiceAccount (sometimes shared) and a Service.
  const workloads: GeneratedWorkload[] = [];
  const defaultSaDeclared = new Set<string>();
  for (let i = 0; i < size.workloads; i++) {
    const ns = namespaces[i % namespaces.length] ?? namespaces[0]!;
    const app = `${APPS[Math.floor(i / namespaces.length) % APPS.length]}-${i}`;
    const sa = rnd.chance(0.15) ? 'default' : app;
    const version = rnd.pick(['v1', 'v2', 'canary']);
    const labels = { app, version, tier: rnd.pick(['frontend', 'backend', 'data']) };
    const ports: GeneratedPort[] = [];
    const servicePorts: Record<string, unknown>[] = [];
    const containerPorts: Record<string, unknown>[] = [];
    const kinds = rnd.sample(['http', 'grpc', 'tcp', 'http2'] as const, rnd.int(1, 3));
    for (const [k, kind] of kinds.entries()) {
      const port = kind === 'http' ? 8080 : kind === 'http2' ? 8443 : kind === 'grpc' ? 9090 : 5432 + k;
      const protocol = kind === 'tcp' ? 'tcp' : kind === 'grpc' ? 'grpc' : 'http';
      ports.push({ port, protocol });
      containerPorts.push({ name: `p${port}`, containerPort: port });
      // Port naming styles: prefix names, appProtocol, and a few undeclared (sniffed) ports.
      const style = rnd.int(0, 3);
      const sp: Record<string, unknown> = { port: port === 8080 ? 80 : port, targetPort: rnd.chance(0.2) ? `p${port}` : port };
      if (style === 0) sp['name'] = `${kind === 'http2' ? 'http2' : kind}-${app}`;
      else if (style === 1) {
        sp['name'] = `port-${port}`;
        sp['appProtocol'] = kind === 'tcp' ? 'tcp' : kind === 'http2' ? 'kubernetes.io/h2c' : kind;
      } else if (style === 2) sp['name'] = kind === 'tcp' ? 'mysql' : kind;
      else sp['name'] = `p${port}`;
      servicePorts.push(sp);
    }
    const mode = modes.get(ns) ?? 'sidecar';
    // One `default` ServiceAccount per namespace at most (a second one is a duplicate object); the random
    // draw stays as it was so the rest of the mesh does not change.
    const declareSa = sa !== 'default' || !rnd.chance(0.5);
    if (declareSa && (sa !== 'default' || !defaultSaDeclared.has(ns))) {
      if (sa === 'default') defaultSaDeclared.add(ns);
      push(ns, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: ns } });
    }
    push(ns, deployment(ns, app, sa, labels, containerPorts, false));
    push(ns, { apiVersion: 'v1', kind: 'Service', metadata: { name: app, namespace: ns }, spec: { selector: { app }, ports: servicePorts } });
    workloads.push({ namespace: ns, name: app, serviceAccount: sa, labels, ports, mode });
    counts['workloads']! += 1;
    counts['services']! += 1;
  }

  const workloadsByNs = new Map<string, GeneratedWorkload[]>();
  for (const w of workloads) workloadsByNs.set(w.namespace, [...(workloadsByNs.get(w.namespace) ?? []), w]);
  const principal = (w: GeneratedWorkload): string => `${TRUST_DOMAIN}/ns/${w.namespace}/sa/${w.serviceAccount}`;

  // PeerAuthentications: mesh-wide STRICT, namespace defaults, workload exceptions with port levels.
  root.push(peerAuth(ROOT, 'default', undefined, 'STRICT', undefined));
  counts['peerAuthentications']! += 1;
  for (let i = 1; i < size.peerAuthentications; i++) {
    const ns = rnd.pick(namespaces);
    const target = rnd.chance(0.6) ? rnd.pick(workloadsByNs.get(ns) ?? workloads) : undefined;
    const mode = rnd.pick(['STRICT', 'PERMISSIVE', 'DISABLE', 'UNSET']);
    const portLevel = target !== undefined && rnd.chance(0.5) ? { [String(target.ports[0]?.port ?? 8080)]: { mode: rnd.pick(['PERMISSIVE', 'DISABLE', 'STRICT']) } } : undefined;
    push(target?.namespace ?? ns, peerAuth(target?.namespace ?? ns, `pa-${i}`, target?.labels['app'], mode, portLevel));
    counts['peerAuthentications']! += 1;
  }

  // RequestAuthentications: issuers with JWKS, header/param/cookie locations, selectors and targetRefs.
  for (let i = 0; i < size.requestAuthentications; i++) {
    const ns = rnd.pick(namespaces);
    const target = rnd.chance(0.7) ? rnd.pick(workloadsByNs.get(ns) ?? workloads) : undefined;
    const jwtRules = rnd.sample(BENCH_ISSUERS, rnd.int(1, 2)).map((issuer) => ({
      issuer,
      jwksUri: `${issuer.startsWith('https://') ? issuer : `https://${issuer}`}/.well-known/jwks.json`,
      ...(rnd.chance(0.5) ? { audiences: rnd.sample(['gerrit', 'builds', 'api', 'web'], rnd.int(1, 2)) } : {}),
      ...(rnd.chance(0.3) ? { fromHeaders: [{ name: 'x-jwt-assertion' }, { name: 'authorization', prefix: 'Bearer ' }] } : {}),
      ...(rnd.chance(0.2) ? { fromParams: ['access_token'] } : {}),
      ...(rnd.chance(0.1) ? { fromCookies: ['session'] } : {}),
      ...(rnd.chance(0.3) ? { outputPayloadToHeader: 'x-jwt-payload', forwardOriginalToken: true } : {}),
      ...(rnd.chance(0.2) ? { spaceDelimitedClaims: ['roles'] } : {}),
    }));
    const waypoint = waypoints.get(target?.namespace ?? ns);
    const spec: Record<string, unknown> = { jwtRules };
    if (waypoint !== undefined && rnd.chance(0.5)) spec['targetRefs'] = [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: waypoint }];
    else if (target !== undefined) spec['selector'] = { matchLabels: { app: target.labels['app'] } };
    const home = target?.namespace ?? ns;
    push(home, { apiVersion: 'security.istio.io/v1', kind: 'RequestAuthentication', metadata: { name: `ra-${i}`, namespace: home }, spec });
    counts['requestAuthentications']! += 1;
  }

  // AuthorizationPolicies.
  const sourceOf = (policyNs: string, custom: boolean): Record<string, unknown> => {
    const source: Record<string, unknown> = {};
    const other = rnd.pick(workloads);
    if (!custom) {
      const identity = rnd.int(0, 5);
      if (identity === 0) source['principals'] = [principal(other), `${TRUST_DOMAIN}/ns/${other.namespace}/sa/*`.replace('/sa/*', '/sa/' + other.serviceAccount.slice(0, 3) + '*')];
      else if (identity === 1) source['namespaces'] = rnd.chance(0.5) ? [other.namespace] : [`${other.namespace.split('-')[0]}-*`];
      else if (identity === 2) source['serviceAccounts'] = [`${other.namespace}/${other.serviceAccount}`, other.serviceAccount];
      else if (identity === 3) source['notPrincipals'] = ['*'];
      else if (identity === 4) source['notNamespaces'] = [policyNs, ROOT];
      else source['notServiceAccounts'] = [`${other.namespace}/${other.serviceAccount}`];
      if (rnd.chance(0.2)) source['requestPrincipals'] = [rnd.pick([`${rnd.pick(BENCH_ISSUERS)}/*`, '*', `${BENCH_ISSUERS[0]}/alice`])];
      if (rnd.chance(0.1)) source['notRequestPrincipals'] = ['*'];
      if (rnd.chance(0.05)) source['trustDomains'] = [TRUST_DOMAIN];
      if (rnd.chance(0.03)) source['notTrustDomains'] = ['*.untrusted.example'];
    }
    if (rnd.chance(custom ? 0.7 : 0.15)) source['ipBlocks'] = [`10.${rnd.int(0, 255)}.0.0/16`, `192.168.${rnd.int(0, 255)}.${rnd.int(1, 254)}`];
    if (rnd.chance(0.08)) source['notIpBlocks'] = ['10.0.0.0/8', 'fd00::/8'];
    if (rnd.chance(custom ? 0.5 : 0.08)) source['remoteIpBlocks'] = [`203.0.113.0/24`, `2001:db8:${rnd.int(1, 9)}::/48`];
    if (rnd.chance(0.05)) source['notRemoteIpBlocks'] = ['198.51.100.0/24'];
    if (Object.keys(source).length === 0) source['ipBlocks'] = ['0.0.0.0/0'];
    return source;
  };
  const operationOf = (target: GeneratedWorkload | undefined, deny: boolean): Record<string, unknown> => {
    const op: Record<string, unknown> = {};
    const port = target?.ports.length ? rnd.pick(target.ports).port : rnd.pick([8080, 9090, 5432]);
    if (deny || rnd.chance(0.5)) op['ports'] = [String(port)];
    if (rnd.chance(0.05)) op['notPorts'] = ['15021', '15090'];
    if (rnd.chance(0.6)) op['methods'] = rnd.sample(METHODS, rnd.int(1, 3));
    if (rnd.chance(0.1)) op['notMethods'] = ['DELETE'];
    if (rnd.chance(0.6)) op['paths'] = rnd.sample(PATHS, rnd.int(1, 3));
    if (rnd.chance(0.15)) op['notPaths'] = ['/healthz', '/readyz'];
    if (rnd.chance(0.15)) op['hosts'] = rnd.sample(HOSTS, rnd.int(1, 2));
    if (rnd.chance(0.05)) op['notHosts'] = ['evil.example.com'];
    if (Object.keys(op).length === 0) op['ports'] = [String(port)];
    return op;
  };
  const conditionOf = (custom: boolean): Record<string, unknown> => {
    const keys = custom
      ? ['request.headers[x-tenant]', 'source.ip', 'remote.ip', 'destination.ip', 'destination.port', 'connection.sni']
      : [
          'request.headers[x-tenant]', 'source.ip', 'remote.ip', 'source.namespace', 'source.principal', 'source.serviceAccount',
          'request.auth.principal', 'request.auth.audiences', 'request.auth.presenter', 'request.auth.claims[groups]',
          'request.auth.claims[realm_access][roles]', 'destination.ip', 'destination.port', 'connection.sni',
        ];
    const key = rnd.pick(keys);
    const w = rnd.pick(workloads);
    const valueFor: Record<string, () => string[]> = {
      'request.headers[x-tenant]': () => [rnd.pick(TEAMS), `${rnd.pick(TEAMS)}*`],
      'source.ip': () => [`10.${rnd.int(0, 255)}.0.0/16`],
      'remote.ip': () => ['203.0.113.0/24'],
      'source.namespace': () => [w.namespace],
      'source.principal': () => [principal(w)],
      'source.serviceAccount': () => [`${w.namespace}/${w.serviceAccount}`],
      'request.auth.principal': () => [`${BENCH_ISSUERS[0]}/${rnd.pick(['alice', 'bob', 'ci-bot'])}`],
      'request.auth.audiences': () => [rnd.pick(['gerrit', 'builds', 'api'])],
      'request.auth.presenter': () => ['gic-cli'],
      'request.auth.claims[groups]': () => rnd.sample(GROUPS, rnd.int(1, 2)),
      'request.auth.claims[realm_access][roles]': () => ['admin'],
      'destination.ip': () => [`10.96.${rnd.int(0, 255)}.0/24`],
      'destination.port': () => [String(rnd.pick([8080, 9090, 5432]))],
      'connection.sni': () => [`outbound_.8080_._.${w.name}.${w.namespace}.svc.cluster.local`],
    };
    const values = (valueFor[key] ?? (() => ['x']))();
    return rnd.chance(0.25) ? { key, notValues: values } : { key, values };
  };

  for (let i = 0; i < size.authorizationPolicies; i++) {
    const roll = rnd.next();
    const atRoot = rnd.chance(0.004);
    // CUSTOM never at the root: istiod allows one ext-authz provider per workload, and a mesh-wide
    // CUSTOM policy would clash with every namespace that uses the other provider.
    const action = roll < 0.6 ? 'ALLOW' : roll < 0.85 ? 'DENY' : roll < 0.9 || atRoot ? 'AUDIT' : 'CUSTOM';
    const ns = atRoot ? ROOT : rnd.pick(namespaces);
    const candidates = workloadsByNs.get(ns) ?? [];
    const waypoint = waypoints.get(ns);
    const spec: Record<string, unknown> = {};
    let target: GeneratedWorkload | undefined;
    if (!atRoot && waypoint !== undefined && action !== 'AUDIT' && rnd.chance(0.6)) {
      const svc = candidates.length > 0 ? rnd.pick(candidates) : undefined;
      spec['targetRefs'] = svc !== undefined && rnd.chance(0.6)
        ? [{ group: '', kind: 'Service', name: svc.name }]
        : [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: waypoint }];
      target = svc;
    } else if (!atRoot && candidates.length > 0 && rnd.chance(0.75)) {
      target = rnd.pick(candidates);
      spec['selector'] = { matchLabels: rnd.chance(0.3) ? { app: target.labels['app'], version: target.labels['version'] } : { app: target.labels['app'] } };
    }
    if (action !== 'ALLOW' || rnd.chance(0.3)) spec['action'] = action;
    // One provider per namespace (every fifth namespace uses the gRPC one).
    if (action === 'CUSTOM') spec['provider'] = { name: PROVIDERS[namespaces.indexOf(ns) % 5 === 0 ? 1 : 0] };
    const custom = action === 'CUSTOM';
    const deny = action === 'DENY';
    const ruleCount = action === 'ALLOW' && rnd.chance(0.03) ? 0 : rnd.int(1, 4);
    const rules: Record<string, unknown>[] = [];
    for (let r = 0; r < ruleCount; r++) {
      const rule: Record<string, unknown> = {};
      if (rnd.chance(0.75)) rule['from'] = Array.from({ length: rnd.int(1, 2) }, () => ({ source: sourceOf(ns, custom) }));
      if (rnd.chance(0.8) || deny) rule['to'] = Array.from({ length: rnd.int(1, 2) }, () => ({ operation: operationOf(target, deny) }));
      if (rnd.chance(0.35)) rule['when'] = Array.from({ length: rnd.int(1, 2) }, () => conditionOf(custom));
      rules.push(rule);
    }
    if (ruleCount > 0) spec['rules'] = rules;
    const annotations = (action === 'ALLOW' || action === 'DENY') && rnd.chance(0.05) ? { 'istio.io/dry-run': 'true' } : undefined;
    const doc = {
      apiVersion: rnd.chance(0.8) ? 'security.istio.io/v1' : 'security.istio.io/v1beta1',
      kind: 'AuthorizationPolicy',
      metadata: { name: `ap-${i}`, namespace: ns, ...(annotations !== undefined ? { annotations } : {}) },
      spec,
    };
    if (atRoot) root.push(doc);
    else push(ns, doc);
    counts['authorizationPolicies']! += 1;
  }

  const sources = [{ file: `mesh/${ROOT}.yaml`, text: toYaml(root) }];
  for (const ns of namespaces) sources.push({ file: `mesh/namespaces/${ns}.yaml`, text: toYaml(perNamespace.get(ns) ?? []) });
  counts['serviceAccounts'] = sources.reduce((n, s) => n + (s.text.match(/^kind: ServiceAccount$/gm)?.length ?? 0), 0);
  return { sources, workloads, namespaces, trustDomain: TRUST_DOMAIN, issuers: BENCH_ISSUERS, counts };
}

/** Only AuthorizationPolicies, `count` of them spread over files of 500: the validate benchmark's input. */
export function generatePolicySources(seed: number, count: number): { file: string; text: string }[] {
  const size: MeshSize = { namespaces: 100, workloads: 400, authorizationPolicies: count, peerAuthentications: 1, requestAuthentications: 0 };
  const mesh = generateMesh(seed, size);
  const policies = mesh.sources
    .flatMap((s) => s.text.split(/^---$/m))
    .filter((doc) => /^kind: AuthorizationPolicy$/m.test(doc))
    .map((doc) => doc.trim());
  const files: { file: string; text: string }[] = [];
  for (let i = 0; i < policies.length; i += 500) {
    files.push({ file: `policies/batch-${String(i / 500).padStart(2, '0')}.yaml`, text: `${policies.slice(i, i + 500).join('\n---\n')}\n` });
  }
  return files;
}

function deployment(ns: string, name: string, sa: string, labels: Record<string, string>, ports: Record<string, unknown>[], proxy: boolean): unknown {
  const containers: Record<string, unknown>[] = [{ name: proxy ? 'istio-proxy' : 'app', image: proxy ? 'auto' : `registry.example.com/${ns}/${name}:1.0.0`, ports }];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, labels: { ...labels } },
    spec: {
      selector: { matchLabels: { ...labels } },
      template: { metadata: { labels: { ...labels } }, spec: { serviceAccountName: sa, containers } },
    },
  };
}

function peerAuth(ns: string, name: string, app: string | undefined, mode: string, portLevel: Record<string, unknown> | undefined): unknown {
  const spec: Record<string, unknown> = { mtls: { mode } };
  if (app !== undefined) spec['selector'] = { matchLabels: { app } };
  if (portLevel !== undefined) spec['portLevelMtls'] = portLevel;
  return { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name, namespace: ns }, spec };
}

function toYaml(docs: readonly unknown[]): string {
  return docs.map((d) => stringify(d, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
}
