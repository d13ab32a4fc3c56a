// Mesh -> CompiledMesh: everything a decision needs, compiled once. Policies are indexed by namespace
// and compiled into predicates for each filter chain (HTTP, TCP, ztunnel); workloads are indexed by
// `namespace/name`; the policy list of each (proxy, Service) pair is computed once and cached, so a
// decision never rescans the mesh. Pure: no I/O, no clock; throws only on programmer error.
import type { AuthorizationAction } from '../resources/authorization-policy.js';
import type { DecisionReason } from './decision.js';
import type { AuthorizationPolicy, Gateway, Mesh, Namespace, PeerAuthentication, RequestAuthentication, Service, Workload } from '../resources/mesh.js';
import type { PolicyTargetReference } from '../resources/workload-selector.js';
import { compileEnvoyRules, type CompiledRule, type CompiledRuleSet } from './envoy-rules.js';
import { mergeJwtRules, type MergedJwtRule } from './jwt-authentication.js';
import type { Pred } from './predicate.js';
import { composePeerAuthentication, type ComposedPeerAuthentication, oldestFirst } from './mtls-mode.js';
import { peerFor, type PeerIdentity } from './request-attributes.js';
import type { TargetPortRecord } from './target-port-record.js';
import { trustDomainBundle, type TrustDomainBundle } from './trust-domain.js';
import { compileZtunnelPolicy, type ZtunnelPolicy } from './ztunnel-rules.js';

export const LABEL_GATEWAY_NAME = 'gateway.networking.k8s.io/gateway-name';
export const WAYPOINT_GATEWAY_CLASS = 'istio-waypoint';
const GATEWAY_GROUP = 'gateway.networking.k8s.io';
const DRY_RUN = 'istio.io/dry-run';

/** One AuthorizationPolicy with its rules compiled for every filter chain. */
export interface CompiledAuthorizationPolicy {
  /** `namespace/name`. */
  readonly ref: string;
  readonly policy: AuthorizationPolicy;
  readonly action: AuthorizationAction;
  readonly dryRun: boolean;
  /** `provider.name` (CUSTOM). */
  readonly provider: string | undefined;
  readonly targetRefs: readonly PolicyTargetReference[];
  readonly selector: Readonly<Record<string, string>> | undefined;
  readonly ruleCount: number;
  readonly http: CompiledRuleSet;
  readonly tcp: CompiledRuleSet;
  /** The form ztunnel enforces; undefined when istiod does not send the policy to ztunnel. */
  readonly ztunnel: ZtunnelPolicy | undefined;
  /** Why the policy is not sent to ztunnel, when it is not. */
  readonly ztunnelSkip: string | undefined;
  /** Decision reasons naming this policy, built once each (see evaluate-request.ts `reasonFor`). */
  readonly reasonCache: Map<number, DecisionReason>;
}

/** A proxy that enforces policy: a workload of the snapshot, an ad-hoc one, or a waypoint. */
export interface ProxyTarget {
  /** Cache key (`namespace/name`); undefined for ad-hoc targets (not cached). */
  readonly key: string | undefined;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly serviceAccount: string;
  readonly dataplane: Workload['dataplane'];
  readonly gatewayName: string | undefined;
  readonly isWaypoint: boolean;
  /** A gateway (Gateway-API or classic ingress/egress): PeerAuthentication does not apply to it. */
  readonly isGateway: boolean;
  readonly workload: Workload | undefined;
  /** Inferred protocol per port (and whether the request looks like HTTP), filled on first use. */
  readonly protocols: Map<number, { readonly protocol: 'http' | 'grpc' | 'tcp'; readonly how: string }>;
  /** mTLS identity of the workload, when it is a caller. */
  readonly peer: PeerIdentity;
  /** Envoy policy buckets when this target is not a waypoint, filled on first use. */
  envoy: EnvoyPolicies | undefined;
  /** Composed PeerAuthentication and ztunnel policies of this target, filled on first use. */
  pa?: ComposedPeerAuthentication | undefined;
  zt?: ZtunnelPolicies | undefined;
  /** Per destination port and protocol hint, what a decision without trace needs (evaluate-request.ts). */
  portRecords?: Map<number, TargetPortRecord> | undefined;
  /**
   * The first two records built, with their keys (-1: none), also in `portRecords`: read before it, so
   * that most decisions find their record without a Map lookup.
   */
  portKey0?: number;
  portRecord0?: TargetPortRecord | undefined;
  portKey1?: number;
  portRecord1?: TargetPortRecord | undefined;
}

/**
 * The enforced DENY and ALLOW rules of one proxy for one filter chain, flattened in evaluation order
 * (policy order, then rule order) with the policy of each rule: what a decision without trace scans.
 */
export interface EnvoyRulePlan {
  readonly denyRules: readonly CompiledRule[];
  readonly denyOwners: readonly CompiledAuthorizationPolicy[];
  readonly allowRules: readonly CompiledRule[];
  readonly allowOwners: readonly CompiledAuthorizationPolicy[];
  /** The reasons of a default deny (no enforced ALLOW rule matches), in `allowEnforced` order. */
  readonly defaultDeny: readonly DecisionReason[];
  /** Per destination port (-1: none), the rules whose `ports` admit it, built on first use. */
  readonly byPort: Map<number, EnvoyPortPlan>;
}

/** The rules of an EnvoyRulePlan that can match one destination port (same order), with their predicates. */
export interface EnvoyPortPlan {
  /** `denyRules[i].match` with the port known (PORT leaves folded away); rules that cannot match are absent. */
  readonly denyMatch: readonly Pred[];
  readonly allowMatch: readonly Pred[];
  readonly denyRules: readonly CompiledRule[];
  readonly denyOwners: readonly CompiledAuthorizationPolicy[];
  readonly allowRules: readonly CompiledRule[];
  readonly allowOwners: readonly CompiledAuthorizationPolicy[];
}

export interface ProviderInfo {
  readonly name: string;
  readonly kind: 'http' | 'grpc';
  /** Why istiod cannot use it; undefined when valid. */
  readonly error: string | undefined;
}

/** The policies one Envoy proxy (sidecar, gateway, waypoint for one Service) enforces. */
export interface EnvoyPolicies {
  readonly custom: readonly CompiledAuthorizationPolicy[];
  readonly audit: readonly CompiledAuthorizationPolicy[];
  readonly deny: readonly CompiledAuthorizationPolicy[];
  readonly allow: readonly CompiledAuthorizationPolicy[];
  /** `allow` without dry-run policies: the enforced ALLOW layer. */
  readonly allowEnforced: readonly CompiledAuthorizationPolicy[];
  /** Distinct `provider.name`s of the CUSTOM policies, sorted. */
  readonly customProviders: readonly string[];
  readonly jwtRules: readonly MergedJwtRule[];
  readonly requestAuthentications: readonly string[];
  /** Flattened rule plans for the HTTP [0] and TCP [1] filter chains, built on first use (evaluate-request.ts). */
  readonly plans: [EnvoyRulePlan | undefined, EnvoyRulePlan | undefined];
}

/** The policies ztunnel enforces for one ambient workload (no targetRefs; ALLOW and DENY only). */
export interface ZtunnelPolicies {
  readonly deny: readonly CompiledAuthorizationPolicy[];
  readonly allow: readonly CompiledAuthorizationPolicy[];
  /** Policies that select the workload but that ztunnel does not enforce, with the reason. */
  readonly ignored: readonly CompiledAuthorizationPolicy[];
}

export interface CompiledMesh {
  readonly mesh: Mesh;
  readonly rootNamespace: string;
  readonly trustDomain: string;
  readonly bundle: TrustDomainBundle;
  readonly providers: ReadonlyMap<string, ProviderInfo>;
  readonly workloads: ReadonlyMap<string, ProxyTarget>;
  /** The same workloads by namespace, then name (no string building per lookup). */
  readonly workloadsByNamespace: ReadonlyMap<string, ReadonlyMap<string, ProxyTarget>>;
  readonly namespaces: ReadonlyMap<string, Namespace>;
  /** `namespace/name` -> Service. */
  readonly services: ReadonlyMap<string, Service>;
  /** The same Services by namespace, then name (the last one wins, as in `services`). */
  readonly servicesByName: ReadonlyMap<string, ReadonlyMap<string, Service>>;
  /** Per-Service waypoint resolution, filled on first use (evaluate-request.ts `waypointFor`). */
  readonly waypointOf: Map<Service, { readonly waypoint: ProxyTarget | undefined; readonly note: string | undefined }>;
  readonly servicesByNamespace: ReadonlyMap<string, readonly Service[]>;
  readonly policyCount: number;
  /** `namespace/name` -> Gateway. */
  readonly gateways: ReadonlyMap<string, Gateway>;
  /** `namespace/gatewayName` -> the waypoint workload of that Gateway. */
  readonly waypoints: ReadonlyMap<string, ProxyTarget>;
  envoyPolicies(target: ProxyTarget, service?: Service): EnvoyPolicies;
  ztunnelPolicies(target: ProxyTarget): ZtunnelPolicies;
  peerAuthentication(target: ProxyTarget): ComposedPeerAuthentication;
}

export function parseDryRun(value: string | undefined): boolean {
  if (value === undefined) return false;
  // strconv.ParseBool; an unparsable value logs an error and is not dry-run.
  return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value);
}

/** The `targetRefs` of a policy spec, or its deprecated single `targetRef`. */
export function targetRefsOf(spec: { readonly targetRef?: PolicyTargetReference | undefined; readonly targetRefs?: readonly PolicyTargetReference[] | undefined }): readonly PolicyTargetReference[] {
  if (spec.targetRefs !== undefined && spec.targetRefs.length > 0) return spec.targetRefs;
  return spec.targetRef !== undefined ? [spec.targetRef] : [];
}

/** A policy's `selector.matchLabels`: undefined without a selector, `{}` (selects all) for an empty one. */
export function selectorOf(spec: { readonly selector?: { readonly matchLabels?: Readonly<Record<string, string>> | undefined } | undefined }): Readonly<Record<string, string>> | undefined {
  return spec.selector === undefined ? undefined : (spec.selector.matchLabels ?? {});
}

function compilePolicy(policy: AuthorizationPolicy, bundle: TrustDomainBundle): CompiledAuthorizationPolicy {
  const action = policy.spec.action ?? 'ALLOW';
  const dryRun = parseDryRun(policy.annotations[DRY_RUN]);
  const targetRefs = targetRefsOf(policy.spec);
  let ztunnelSkip: string | undefined;
  if (dryRun) ztunnelSkip = 'dry-run policies are not sent to ztunnel (AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY is off by default)';
  else if (targetRefs.length > 0) ztunnelSkip = 'policies with targetRefs are not sent to ztunnel';
  else if (action !== 'ALLOW' && action !== 'DENY') ztunnelSkip = `ztunnel does not support the ${action} action`;
  // The HTTP form is compiled now; the TCP and ztunnel forms on first use (many meshes never need them).
  let tcp: CompiledRuleSet | undefined;
  let ztunnel: ZtunnelPolicy | undefined;
  return {
    ref: `${policy.namespace}/${policy.name}`,
    policy,
    action,
    dryRun,
    provider: action === 'CUSTOM' ? (policy.spec.provider?.name ?? '') : undefined,
    targetRefs,
    selector: selectorOf(policy.spec),
    ruleCount: policy.spec.rules?.length ?? 0,
    http: compileEnvoyRules(policy, action, false, bundle),
    get tcp(): CompiledRuleSet {
      return (tcp ??= compileEnvoyRules(policy, action, true, bundle));
    },
    get ztunnel(): ZtunnelPolicy | undefined {
      if (ztunnelSkip !== undefined || (action !== 'ALLOW' && action !== 'DENY')) return undefined;
      return (ztunnel ??= compileZtunnelPolicy(policy, action));
    },
    ztunnelSkip,
    reasonCache: new Map(),
  };
}

/** Whether `labels` carry every label of `selector` (no selector selects everything). */
export function selectorMatches(selector: Readonly<Record<string, string>> | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (selector === undefined) return true;
  for (const k in selector) if (labels[k] !== selector[k]) return false;
  return true;
}

function canonicalGroup(group: string | undefined): string {
  return group === undefined || group === '' ? 'core' : group;
}

interface Attachable {
  readonly namespace: string;
  readonly targetRefs: readonly PolicyTargetReference[];
  readonly selector: Readonly<Record<string, string>> | undefined;
}

/** pilot/pkg/model/policyattachment.go `ShouldAttachPolicy` (ENABLE_SELECTOR_BASED_K8S_GATEWAY_POLICY=true). */
export function shouldAttach(p: Attachable, t: ProxyTarget, rootNamespace: string, service: Service | undefined): boolean {
  if (t.gatewayName === undefined) {
    if (p.targetRefs.length > 0) return false;
    return selectorMatches(p.selector, t.labels);
  }
  if (p.targetRefs.length === 0) {
    if (t.isWaypoint) return false;
    return selectorMatches(p.selector, t.labels);
  }
  for (const ref of p.targetRefs) {
    const group = canonicalGroup(ref.group);
    if (t.isWaypoint && service !== undefined && group === 'core' && ref.kind === 'Service' && ref.name === service.name && p.namespace === service.namespace) return true;
    if (p.namespace === rootNamespace && t.isWaypoint && group === GATEWAY_GROUP && ref.kind === 'GatewayClass' && ref.name === WAYPOINT_GATEWAY_CLASS) return true;
    if (t.namespace !== p.namespace) continue;
    if (!(ref.namespace === undefined || ref.namespace === '' || ref.namespace === t.namespace)) continue;
    if (group === GATEWAY_GROUP && ref.kind === 'Gateway' && ref.name === t.gatewayName) return true;
  }
  return false;
}

const NAME_RE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** builder/extauthz.go `processExtensionProvider`, minus the cluster lookup (see the trace note). */
function resolveProviders(mesh: Mesh): Map<string, ProviderInfo> {
  const out = new Map<string, ProviderInfo>();
  mesh.meshConfig.extensionProviders.forEach((p, i) => {
    const errors: string[] = [];
    const name = p.name ?? '';
    if (name === '') errors.push(`extension provider name must not be empty, found empty at index: ${i}`);
    else if (out.has(name)) errors.push(`extension provider name must be unique, found duplicate: ${name}`);
    if (name !== '' && !NAME_RE.test(name)) errors.push(`invalid provider name ${JSON.stringify(name)}: lowercase letters, digits and hyphens only, at most 63`);
    const cfg = p.envoyExtAuthzHttp ?? p.envoyExtAuthzGrpc;
    if (cfg === undefined) return; // not an ext-authz provider: CUSTOM cannot use it
    const kind = p.envoyExtAuthzHttp !== undefined ? 'http' : 'grpc';
    const port = typeof cfg.port === 'string' ? Number(cfg.port) : cfg.port;
    if (port === undefined || !Number.isInteger(port) || port < 1 || port > 65535) errors.push(`port must be in the range [1, 65535], found: ${String(cfg.port ?? 0)}`);
    if (cfg.service === undefined || cfg.service === '') errors.push('service must not be empty');
    const status = cfg.statusOnError;
    if (status !== undefined && status !== '' && !/^\d+$/.test(status)) errors.push(`invalid statusOnError ${JSON.stringify(status)}`);
    const pathPrefix = (cfg as Record<string, unknown>)['pathPrefix'];
    if (kind === 'http' && typeof pathPrefix === 'string' && pathPrefix !== '' && !pathPrefix.startsWith('/')) errors.push(`pathPrefix must begin with \`/\`, found: ${JSON.stringify(pathPrefix)}`);
    out.set(name, { name, kind, error: errors.length > 0 ? errors.join('; ') : undefined });
  });
  return out;
}

function isClassicGateway(labels: Readonly<Record<string, string>>): boolean {
  const istio = labels['istio'];
  return istio !== undefined && /gateway$/.test(istio);
}

/** What identifies a proxy target; newProxyTarget adds its identity and empty per-target caches. */
export type ProxyTargetFacts = Omit<ProxyTarget, 'protocols' | 'peer' | 'envoy' | 'pa' | 'zt' | 'portRecords' | 'portKey0' | 'portRecord0' | 'portKey1' | 'portRecord1'>;

/** A ProxyTarget with its mTLS identity and empty caches (filled on first use by evaluate-request.ts). */
export function newProxyTarget(facts: ProxyTargetFacts, trustDomain: string): ProxyTarget {
  return {
    ...facts,
    protocols: new Map(),
    peer: peerFor(trustDomain, facts.namespace, facts.serviceAccount),
    envoy: undefined,
    pa: undefined,
    zt: undefined,
    portRecords: undefined,
    portKey0: -1,
    portRecord0: undefined,
    portKey1: -1,
    portRecord1: undefined,
  };
}

export function targetOfWorkload(w: Workload, trustDomain: string): ProxyTarget {
  const gatewayName = w.gatewayName ?? w.labels[LABEL_GATEWAY_NAME];
  return newProxyTarget({
    key: `${w.namespace}/${w.name}`,
    namespace: w.namespace,
    name: w.name,
    labels: w.labels,
    serviceAccount: w.serviceAccount,
    dataplane: w.dataplane,
    gatewayName,
    isWaypoint: w.isWaypoint,
    isGateway: !w.isWaypoint && (gatewayName !== undefined || isClassicGateway(w.labels)),
    workload: w,
  }, trustDomain);
}

/** An ad-hoc target described by labels (not in the snapshot). */
export function adHocTarget(namespace: string, labels: Readonly<Record<string, string>>, serviceAccount: string, dataplane: Workload['dataplane'], trustDomain: string): ProxyTarget {
  const gatewayName = labels[LABEL_GATEWAY_NAME];
  return newProxyTarget({
    key: undefined,
    namespace,
    name: '(ad-hoc)',
    labels,
    serviceAccount,
    dataplane,
    gatewayName,
    isWaypoint: false,
    isGateway: gatewayName !== undefined || isClassicGateway(labels),
    workload: undefined,
  }, trustDomain);
}

function byRef<T extends { readonly ref: string }>(a: T, b: T): number {
  return a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0;
}

function byProviderThenRef(a: CompiledAuthorizationPolicy, b: CompiledAuthorizationPolicy): number {
  const pa = a.provider ?? '';
  const pb = b.provider ?? '';
  return pa < pb ? -1 : pa > pb ? 1 : byRef(a, b);
}

/** Items by namespace, each list in input order. */
export function groupByNamespace<T extends { readonly namespace: string }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) {
    const list = out.get(it.namespace);
    if (list === undefined) out.set(it.namespace, [it]);
    else list.push(it);
  }
  return out;
}

export function compileMesh(mesh: Mesh): CompiledMesh {
  const rootNamespace = mesh.meshConfig.rootNamespace;
  const bundle = trustDomainBundle(mesh.meshConfig.trustDomain, mesh.meshConfig.trustDomainAliases);
  const compiledPolicies = mesh.authorizationPolicies.map((p) => compilePolicy(p, bundle)).sort(byRef);
  const policiesByNs = groupByNamespace(compiledPolicies.map((c) => ({ namespace: c.policy.namespace, c }))) as Map<string, { namespace: string; c: CompiledAuthorizationPolicy }[]>;
  const requestAuthns = [...mesh.requestAuthentications].sort((a, b) => (`${a.namespace}/${a.name}` < `${b.namespace}/${b.name}` ? -1 : 1));
  const raByNs = groupByNamespace(requestAuthns.map((r) => ({ namespace: r.namespace, r, targetRefs: targetRefsOf(r.spec), selector: selectorOf(r.spec) })));
  const paByNs = groupByNamespace(oldestFirst(mesh.peerAuthentications));
  const workloads = new Map<string, ProxyTarget>();
  for (const w of mesh.workloads) {
    const key = `${w.namespace}/${w.name}`;
    if (!workloads.has(key)) workloads.set(key, targetOfWorkload(w, mesh.meshConfig.trustDomain));
  }
  const workloadsByNamespace = new Map<string, Map<string, ProxyTarget>>();
  for (const t of workloads.values()) {
    let inNs = workloadsByNamespace.get(t.namespace);
    if (inNs === undefined) workloadsByNamespace.set(t.namespace, (inNs = new Map()));
    inNs.set(t.name, t);
  }
  const gateways = new Map<string, Gateway>();
  for (const g of mesh.gateways) if (!gateways.has(`${g.namespace}/${g.name}`)) gateways.set(`${g.namespace}/${g.name}`, g);
  const waypoints = new Map<string, ProxyTarget>();
  for (const t of workloads.values()) {
    if (t.isWaypoint && t.gatewayName !== undefined && !waypoints.has(`${t.namespace}/${t.gatewayName}`)) waypoints.set(`${t.namespace}/${t.gatewayName}`, t);
  }
  const services = new Map<string, Service>();
  const servicesByName = new Map<string, Map<string, Service>>();
  for (const s of mesh.services) {
    services.set(`${s.namespace}/${s.name}`, s);
    let inNs = servicesByName.get(s.namespace);
    if (inNs === undefined) servicesByName.set(s.namespace, (inNs = new Map()));
    inNs.set(s.name, s);
  }
  const servicesByNamespace = groupByNamespace(mesh.services);
  const providers = resolveProviders(mesh);

  const envoyCache = new Map<string, EnvoyPolicies>();
  const ztunnelCache = new Map<string, ZtunnelPolicies>();
  const paCache = new Map<string, ComposedPeerAuthentication>();

  const candidateNamespaces = (t: ProxyTarget, service: Service | undefined): string[] => {
    const out = [rootNamespace];
    if (!out.includes(t.namespace)) out.push(t.namespace);
    if (service !== undefined && !out.includes(service.namespace)) out.push(service.namespace);
    return out;
  };

  const envoyPolicies = (t: ProxyTarget, service?: Service): EnvoyPolicies => {
    const svc = t.isWaypoint ? service : undefined;
    if (svc === undefined && t.envoy !== undefined) return t.envoy;
    const cacheKey = t.key === undefined ? undefined : `${t.key}|${svc === undefined ? '' : `${svc.namespace}/${svc.name}`}|${t.isWaypoint ? 'w' : ''}`;
    if (cacheKey !== undefined) {
      const hit = envoyCache.get(cacheKey);
      if (hit !== undefined) return hit;
    }
    const custom: CompiledAuthorizationPolicy[] = [];
    const audit: CompiledAuthorizationPolicy[] = [];
    const deny: CompiledAuthorizationPolicy[] = [];
    const allow: CompiledAuthorizationPolicy[] = [];
    const ras: RequestAuthentication[] = [];
    for (const ns of candidateNamespaces(t, svc)) {
      for (const { c } of policiesByNs.get(ns) ?? []) {
        if (!shouldAttach({ namespace: ns, targetRefs: c.targetRefs, selector: c.selector }, t, rootNamespace, svc)) continue;
        if (c.action === 'CUSTOM') custom.push(c);
        else if (c.action === 'AUDIT') audit.push(c);
        else if (c.action === 'DENY') deny.push(c);
        else allow.push(c);
      }
      for (const ra of raByNs.get(ns) ?? []) {
        if (shouldAttach(ra, t, rootNamespace, svc)) ras.push(ra.r);
      }
    }
    allow.sort(byRef);
    const result: EnvoyPolicies = {
      // builder.go emits one filter per provider, providers in name order: a match in an earlier
      // provider's filter is the one Envoy reports.
      custom: custom.sort(byProviderThenRef),
      audit: audit.sort(byRef),
      deny: deny.sort(byRef),
      allow,
      allowEnforced: allow.filter((c) => !c.dryRun),
      customProviders: [...new Set(custom.map((c) => c.provider ?? ''))].sort(),
      jwtRules: mergeJwtRules(ras),
      requestAuthentications: ras.map((r) => `${r.namespace}/${r.name}`),
      plans: [undefined, undefined],
    };
    if (cacheKey !== undefined) envoyCache.set(cacheKey, result);
    if (svc === undefined) t.envoy = result;
    return result;
  };

  const ztunnelPolicies = (t: ProxyTarget): ZtunnelPolicies => {
    if (t.zt !== undefined) return t.zt;
    if (t.key !== undefined) {
      const hit = ztunnelCache.get(t.key);
      if (hit !== undefined) return (t.zt = hit);
    }
    const deny: CompiledAuthorizationPolicy[] = [];
    const allow: CompiledAuthorizationPolicy[] = [];
    const ignored: CompiledAuthorizationPolicy[] = [];
    for (const ns of candidateNamespaces(t, undefined)) {
      for (const { c } of policiesByNs.get(ns) ?? []) {
        if (c.targetRefs.length > 0 || !selectorMatches(c.selector, t.labels)) continue;
        if (c.ztunnel === undefined) ignored.push(c);
        else if (c.ztunnel.action === 'DENY') deny.push(c);
        else allow.push(c);
      }
    }
    const result = { deny: deny.sort(byRef), allow: allow.sort(byRef), ignored: ignored.sort(byRef) };
    if (t.key !== undefined) ztunnelCache.set(t.key, result);
    t.zt = result;
    return result;
  };

  const peerAuthentication = (t: ProxyTarget): ComposedPeerAuthentication => {
    if (t.pa !== undefined) return t.pa;
    if (t.key !== undefined) {
      const hit = paCache.get(t.key);
      if (hit !== undefined) return (t.pa = hit);
    }
    const candidates: PeerAuthentication[] = oldestFirst([...(paByNs.get(rootNamespace) ?? []), ...(t.namespace === rootNamespace ? [] : (paByNs.get(t.namespace) ?? []))]);
    const result = composePeerAuthentication(candidates, rootNamespace, t.namespace, t.labels);
    if (t.key !== undefined) paCache.set(t.key, result);
    t.pa = result;
    return result;
  };

  // Warm the per-workload caches so that the first decisions cost no more than the others.
  for (const t of workloads.values()) {
    if (t.dataplane === 'ambient' && !t.isWaypoint) ztunnelPolicies(t);
    else envoyPolicies(t);
    peerAuthentication(t);
  }

  return {
    mesh,
    rootNamespace,
    trustDomain: mesh.meshConfig.trustDomain,
    bundle,
    providers,
    workloads,
    workloadsByNamespace,
    namespaces: mesh.namespaces,
    services,
    servicesByName,
    waypointOf: new Map(),
    servicesByNamespace,
    policyCount: compiledPolicies.length,
    gateways,
    waypoints,
    envoyPolicies,
    ztunnelPolicies,
    peerAuthentication,
  };
}
