// Lookup tables over one AnalysisSnapshot, built once (O(objects)) and memoised per workload: policies
// by namespace, which AuthorizationPolicies / RequestAuthentications / PeerAuthentications apply to a
// workload (through the evaluator's own attachment rules), the Services and ports of a workload and
// the protocol Istio infers for a port. Immutable once built: a changed snapshot gets a new index.
import { type CompiledMesh, compileMesh, groupByNamespace, type ProxyTarget, selectorMatches, selectorOf, shouldAttach, targetOfWorkload, targetRefsOf } from '../evaluate/compile-mesh.js';
import { composePeerAuthentication, type ComposedPeerAuthentication, type EffectiveMtls, mtlsForPort, oldestFirst } from '../evaluate/mtls-mode.js';
import type { Protocol } from '../evaluate/access-request.js';
import { selectsTarget, servicePortProtocol, targetPortOf } from '../evaluate/protocol-inference.js';
import type { AuthorizationPolicy, Gateway, Mesh, PeerAuthentication, RequestAuthentication, Service, ServicePort, Workload } from '../resources/mesh.js';
import type { PolicyTargetReference } from '../resources/workload-selector.js';
import type { AnalysisOptions } from './analysis-options.js';
import type { AnalysisSnapshot } from './analysis-snapshot.js';
import { valueMatches } from './rule-facts.js';

export interface AttachedAuthorization {
  readonly custom: readonly AuthorizationPolicy[];
  readonly audit: readonly AuthorizationPolicy[];
  readonly deny: readonly AuthorizationPolicy[];
  readonly allow: readonly AuthorizationPolicy[];
}

export interface PortProtocol {
  readonly protocol: Protocol;
  readonly service: Service;
  readonly servicePort: ServicePort;
  /** How Istio decided: `port name "tcp-db"` or `appProtocol tcp`. */
  readonly how: string;
}

export interface Selectable {
  readonly namespace: string;
  readonly spec: { readonly selector?: { readonly matchLabels?: Readonly<Record<string, string>> | undefined } | undefined; readonly targetRef?: PolicyTargetReference | undefined; readonly targetRefs?: readonly PolicyTargetReference[] | undefined };
}

// The analyzers read a policy's selector and targetRefs as the evaluator does.
export { selectorOf, targetRefsOf } from '../evaluate/compile-mesh.js';

function workloadKey(w: { readonly namespace: string; readonly name: string }): string {
  return `${w.namespace}/${w.name}`;
}

/** First index of `sorted` whose value is >= `key` (binary search). */
function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function reversed(s: string): string {
  let out = '';
  for (let i = s.length - 1; i >= 0; i--) out += s[i];
  return out;
}

/**
 * Answers `values.some((v) => valueMatches(pattern, v))` without scanning: a set for exact values, the
 * sorted values for `prefix*`, the sorted reversed values for `*suffix` (same results as the scan).
 */
class IdentitySearch {
  private readonly exact: ReadonlySet<string>;
  private readonly sorted: readonly string[];
  private readonly sortedReversed: readonly string[];
  private readonly anyNonEmpty: boolean;

  constructor(values: readonly string[]) {
    this.exact = new Set(values);
    this.sorted = [...values].sort();
    this.sortedReversed = values.map(reversed).sort();
    this.anyNonEmpty = values.some((v) => v.length > 0);
  }

  matches(pattern: string): boolean {
    if (pattern === '*') return this.anyNonEmpty;
    if (pattern.startsWith('*')) return startsWithIn(this.sortedReversed, reversed(pattern.slice(1)));
    if (pattern.endsWith('*')) return startsWithIn(this.sorted, pattern.slice(0, -1));
    return this.exact.has(pattern);
  }
}

function startsWithIn(sorted: readonly string[], prefix: string): boolean {
  const i = lowerBound(sorted, prefix);
  return i < sorted.length && sorted[i]!.startsWith(prefix);
}

export class MeshIndex {
  readonly mesh: Mesh;
  readonly rootNamespace: string;
  readonly trustDomains: readonly string[];
  readonly workloadsByNs: ReadonlyMap<string, readonly Workload[]>;
  readonly servicesByNs: ReadonlyMap<string, readonly Service[]>;
  readonly authorizationByNs: ReadonlyMap<string, readonly AuthorizationPolicy[]>;
  readonly peerAuthnByNs: ReadonlyMap<string, readonly PeerAuthentication[]>;
  readonly requestAuthnByNs: ReadonlyMap<string, readonly RequestAuthentication[]>;
  readonly gateways: ReadonlyMap<string, Gateway>;
  /** Namespace objects plus every namespace an object of the snapshot lives in. */
  readonly knownNamespaces: ReadonlySet<string>;
  private readonly serviceAccounts: ReadonlySet<string>;
  private readonly authzMemo = new Map<string, AttachedAuthorization>();
  private readonly raMemo = new Map<string, readonly RequestAuthentication[]>();
  private readonly paMemo = new Map<string, ComposedPeerAuthentication>();
  private readonly servicesMemo = new Map<string, readonly Service[]>();
  private readonly compiledMemo = new Map<string, CompiledMesh>();
  private readonly workloadsOfMemo = new WeakMap<object, Workload[]>();
  private readonly portsMemo = new Map<string, number[]>();
  private readonly protocolMemo = new Map<string, Map<number, PortProtocol | undefined>>();
  /** `workloadKey` per workload object, so that memo lookups on hot paths build no string. */
  private readonly keys = new WeakMap<Workload, string>();
  private readonly identityMemo = new Map<string, boolean>();
  private readonly tcpMemo = new Map<string, readonly number[]>();
  private identities: string[] | undefined;

  /** Check illustrating witnesses with the evaluator (AnalysisOptions). */
  readonly verifyWitnesses: boolean;
  /** The analysis clock (AnalysisOptions), when the caller gave one. */
  readonly now: Date | undefined;

  /**
   * `previous` + `unchanged` carry compiled namespaces over from the index of the previous snapshot when
   * nothing they depend on changed (incremental analysis).
   */
  constructor(
    readonly snapshot: AnalysisSnapshot,
    options: AnalysisOptions = {},
    previous?: MeshIndex,
    unchanged?: (namespace: string) => boolean,
  ) {
    this.verifyWitnesses = options.verifyWitnesses ?? true;
    this.now = options.now;
    if (previous !== undefined && unchanged !== undefined) {
      for (const [ns, compiled] of previous.compiledMemo) if (unchanged(ns)) this.compiledMemo.set(ns, compiled);
    }
    const mesh = snapshot.mesh;
    this.mesh = mesh;
    this.rootNamespace = mesh.meshConfig.rootNamespace;
    this.trustDomains = [mesh.meshConfig.trustDomain, ...mesh.meshConfig.trustDomainAliases];
    this.workloadsByNs = groupByNamespace(mesh.workloads);
    this.servicesByNs = groupByNamespace(mesh.services);
    this.authorizationByNs = groupByNamespace(mesh.authorizationPolicies);
    this.peerAuthnByNs = groupByNamespace(oldestFirst(mesh.peerAuthentications));
    this.requestAuthnByNs = groupByNamespace(mesh.requestAuthentications);
    this.gateways = new Map(mesh.gateways.map((g) => [`${g.namespace}/${g.name}`, g]));
    const known = new Set<string>(mesh.namespaces.keys());
    for (const list of [mesh.workloads, mesh.services, mesh.serviceAccounts, mesh.authorizationPolicies, mesh.peerAuthentications, mesh.requestAuthentications]) {
      for (const o of list) known.add(o.namespace);
    }
    known.add(this.rootNamespace);
    this.knownNamespaces = known;
    const sas = new Set<string>();
    for (const sa of mesh.serviceAccounts) sas.add(`${sa.namespace}/${sa.name}`);
    for (const w of mesh.workloads) sas.add(`${w.namespace}/${w.serviceAccount}`);
    for (const ns of known) sas.add(`${ns}/default`);
    this.serviceAccounts = sas;
  }

  private readonly lines = new WeakMap<object, Map<string, number>>();

  /** `lineOf(field)` of a finding's target, memoised: several findings often point at the same field. */
  lineOf(target: object, field: string, lineOf: (fieldPath: string) => number): number {
    let byField = this.lines.get(target);
    if (byField === undefined) this.lines.set(target, (byField = new Map()));
    let line = byField.get(field);
    if (line === undefined) byField.set(field, (line = lineOf(field)));
    return line;
  }

  private readonly targets = new WeakMap<Workload, ProxyTarget>();

  /** The evaluator's view of a workload (labels, identity, dataplane), built once per workload. */
  private targetOf(w: Workload): ProxyTarget {
    let t = this.targets.get(w);
    if (t === undefined) this.targets.set(w, (t = targetOfWorkload(w, this.mesh.meshConfig.trustDomain)));
    return t;
  }

  private keyOf(w: Workload): string {
    let key = this.keys.get(w);
    if (key === undefined) this.keys.set(w, (key = workloadKey(w)));
    return key;
  }

  hasServiceAccount(namespace: string, name: string): boolean {
    return this.serviceAccounts.has(`${namespace}/${name}`);
  }

  /** Whether a policy of this kind (selector / targetRefs / namespace) applies to the workload. */
  attaches(policy: Selectable, w: Workload): boolean {
    if (policy.namespace !== this.rootNamespace && policy.namespace !== w.namespace) return false;
    return shouldAttach({ namespace: policy.namespace, targetRefs: targetRefsOf(policy.spec), selector: selectorOf(policy.spec) }, this.targetOf(w), this.rootNamespace, undefined);
  }

  /** In-mesh workloads a policy applies to (Envoy attachment; ztunnel reads selector policies the same way). */
  workloadsOf(policy: Selectable): Workload[] {
    const hit = this.workloadsOfMemo.get(policy);
    if (hit !== undefined) return hit;
    const out = this.computeWorkloadsOf(policy);
    this.workloadsOfMemo.set(policy, out);
    return out;
  }

  /** Whether an Istio pattern (`x*`, `*x`) matches the SPIFFE identity of some known ServiceAccount. */
  identityPatternMatches(pattern: string, matches: (pattern: string, value: string) => boolean): boolean {
    const hit = this.identityMemo.get(pattern);
    if (hit !== undefined) return hit;
    this.identities ??= [...this.serviceAccounts].flatMap((id) => {
      const [ns, sa] = id.split('/');
      return [...new Set([...this.trustDomains, 'cluster.local'])].map((td) => `${td}/ns/${ns}/sa/${sa}`);
    });
    const found = matches === valueMatches ? this.identityIndex().matches(pattern) : this.identities.some((id) => matches(pattern, id));
    this.identityMemo.set(pattern, found);
    return found;
  }

  private identitySearch: IdentitySearch | undefined;

  private identityIndex(): IdentitySearch {
    return (this.identitySearch ??= new IdentitySearch(this.identities ?? []));
  }

  private computeWorkloadsOf(policy: Selectable): Workload[] {
    const candidates = policy.namespace === this.rootNamespace ? this.mesh.workloads : (this.workloadsByNs.get(policy.namespace) ?? []);
    const out: Workload[] = [];
    for (const w of candidates) {
      if (w.dataplane === 'none') continue;
      if (this.attaches(policy, w) || this.ztunnelAttaches(policy, w)) out.push(w);
    }
    return out;
  }

  /** ztunnel enforces selector / namespace policies on ambient workloads (waypoints ignore them). */
  private ztunnelAttaches(policy: Selectable, w: Workload): boolean {
    if (w.dataplane !== 'ambient' || w.isWaypoint) return false;
    if (targetRefsOf(policy.spec).length > 0) return false;
    if (policy.namespace !== this.rootNamespace && policy.namespace !== w.namespace) return false;
    return selectorMatches(selectorOf(policy.spec), w.labels);
  }

  authorizationFor(w: Workload): AttachedAuthorization {
    const key = this.keyOf(w);
    const hit = this.authzMemo.get(key);
    if (hit !== undefined) return hit;
    const out = { custom: [] as AuthorizationPolicy[], audit: [] as AuthorizationPolicy[], deny: [] as AuthorizationPolicy[], allow: [] as AuthorizationPolicy[] };
    const namespaces = w.namespace === this.rootNamespace ? [w.namespace] : [this.rootNamespace, w.namespace];
    for (const ns of namespaces) {
      for (const p of this.authorizationByNs.get(ns) ?? []) {
        if (!(this.attaches(p, w) || this.ztunnelAttaches(p, w))) continue;
        const action = p.spec.action ?? 'ALLOW';
        (action === 'CUSTOM' ? out.custom : action === 'AUDIT' ? out.audit : action === 'DENY' ? out.deny : out.allow).push(p);
      }
    }
    this.authzMemo.set(key, out);
    return out;
  }

  requestAuthenticationsFor(w: Workload): readonly RequestAuthentication[] {
    const key = this.keyOf(w);
    const hit = this.raMemo.get(key);
    if (hit !== undefined) return hit;
    const out: RequestAuthentication[] = [];
    const namespaces = w.namespace === this.rootNamespace ? [w.namespace] : [this.rootNamespace, w.namespace];
    for (const ns of namespaces) for (const ra of this.requestAuthnByNs.get(ns) ?? []) if (this.attaches(ra, w)) out.push(ra);
    this.raMemo.set(key, out);
    return out;
  }

  peerAuthenticationFor(w: Workload): ComposedPeerAuthentication {
    const key = this.keyOf(w);
    const hit = this.paMemo.get(key);
    if (hit !== undefined) return hit;
    const candidates = oldestFirst([...(this.peerAuthnByNs.get(this.rootNamespace) ?? []), ...(w.namespace === this.rootNamespace ? [] : (this.peerAuthnByNs.get(w.namespace) ?? []))]);
    const out = composePeerAuthentication(candidates, this.rootNamespace, w.namespace, w.labels);
    this.paMemo.set(key, out);
    return out;
  }

  mtlsFor(w: Workload, port: number | undefined): EffectiveMtls {
    return mtlsForPort(this.peerAuthenticationFor(w), port);
  }

  servicesFor(w: Workload): readonly Service[] {
    const key = this.keyOf(w);
    const hit = this.servicesMemo.get(key);
    if (hit !== undefined) return hit;
    const t = this.targetOf(w);
    const out = (this.servicesByNs.get(w.namespace) ?? []).filter((s) => selectsTarget(s, t));
    this.servicesMemo.set(key, out);
    return out;
  }

  /** Ports the workload receives on: container ports and the target ports of its Services. */
  portsOf(w: Workload): number[] {
    const key = this.keyOf(w);
    const hit = this.portsMemo.get(key);
    if (hit !== undefined) return hit;
    const out = this.computePortsOf(w);
    this.portsMemo.set(key, out);
    return out;
  }

  private computePortsOf(w: Workload): number[] {
    const ports = new Set<number>(w.containerPorts.map((p) => p.port));
    const t = this.targetOf(w);
    for (const s of this.servicesFor(w)) for (const sp of s.ports) {
      const tp = targetPortOf(sp, t);
      if (tp !== undefined) ports.add(tp);
    }
    return [...ports].sort((a, b) => a - b);
  }

  tcpPortsOf(w: Workload): readonly number[] {
    const key = this.keyOf(w);
    let hit = this.tcpMemo.get(key);
    if (hit === undefined) this.tcpMemo.set(key, (hit = this.portsOf(w).filter((p) => this.protocolOf(w, p)?.protocol === 'tcp')));
    return hit;
  }

  /** The protocol a Service declares for a workload port (undefined: not declared, sniffed). */
  protocolOf(w: Workload, port: number): PortProtocol | undefined {
    const key = this.keyOf(w);
    let byPort = this.protocolMemo.get(key);
    if (byPort === undefined) this.protocolMemo.set(key, (byPort = new Map()));
    if (byPort.has(port)) return byPort.get(port);
    const out = this.computeProtocolOf(w, port);
    byPort.set(port, out);
    return out;
  }

  private computeProtocolOf(w: Workload, port: number): PortProtocol | undefined {
    const t = this.targetOf(w);
    for (const s of this.servicesFor(w)) for (const sp of s.ports) {
      if (targetPortOf(sp, t) !== port) continue;
      const protocol = servicePortProtocol(sp.name, sp.protocol, sp.appProtocol);
      if (protocol === undefined) continue;
      return { protocol, service: s, servicePort: sp, how: sp.appProtocol !== undefined ? `appProtocol ${sp.appProtocol}` : `port name "${sp.name ?? ''}"` };
    }
    return undefined;
  }

  /** Drops the compiled namespaces (they hold compiled predicates for every policy): memory, not state. */
  releaseCompiled(): void {
    this.compiledMemo.clear();
    this.whole = undefined;
  }

  /**
   * Compile the whole mesh once for witnesses (a full analysis, where most namespaces need one), instead
   * of each namespace with the root-namespace policies again (an incremental update, where few do).
   */
  compileWhole = false;
  private whole: CompiledMesh | undefined;

  /**
   * The evaluator's compiled form of the part of the mesh that decides requests to workloads of one
   * namespace (its workloads, Services and Gateways; policies of the root namespace and of it), used to
   * check witnesses. Memoised per namespace.
   */
  compiledFor(namespace: string): CompiledMesh {
    if (this.compileWhole) return (this.whole ??= compileMesh(this.mesh));
    const hit = this.compiledMemo.get(namespace);
    if (hit !== undefined) return hit;
    const compiled = compileMesh(this.reducedMesh(namespace));
    this.compiledMemo.set(namespace, compiled);
    return compiled;
  }

  /**
   * The part of the mesh that decides requests to one workload (it, its Services, the Gateways of its
   * namespace, its PeerAuthentications and RequestAuthentications, and `policies`, which the caller
   * chooses: the ones that can decide the requests it asks about), compiled afresh for what-if questions
   * ("would this request be decided otherwise if the rule read as written?"). Not memoised.
   */
  compiledForWorkload(w: Workload, policies: readonly AuthorizationPolicy[]): CompiledMesh {
    const root = this.rootNamespace;
    const both = <T>(m: ReadonlyMap<string, readonly T[]>): T[] => (w.namespace === root ? [...(m.get(root) ?? [])] : [...(m.get(root) ?? []), ...(m.get(w.namespace) ?? [])]);
    return compileMesh({
      ...this.mesh,
      workloads: [w],
      services: this.servicesFor(w),
      serviceAccounts: [],
      gateways: this.mesh.gateways.filter((g) => g.namespace === w.namespace),
      authorizationPolicies: policies,
      peerAuthentications: both(this.peerAuthnByNs),
      requestAuthentications: both(this.requestAuthnByNs),
    });
  }

  private reducedMesh(namespace: string): Mesh {
    const root = this.rootNamespace;
    const both = <T>(m: ReadonlyMap<string, readonly T[]>): T[] => (namespace === root ? [...(m.get(root) ?? [])] : [...(m.get(root) ?? []), ...(m.get(namespace) ?? [])]);
    return {
      ...this.mesh,
      workloads: this.workloadsByNs.get(namespace) ?? [],
      services: this.servicesByNs.get(namespace) ?? [],
      serviceAccounts: [],
      gateways: this.mesh.gateways.filter((g) => g.namespace === namespace),
      // Root-namespace policies that reach no workload of this namespace cannot decide its requests.
      authorizationPolicies: both(this.authorizationByNs).filter((p) => p.namespace !== root || namespace === root || (this.workloadsByNs.get(namespace) ?? []).some((w) => this.attaches(p, w) || this.ztunnelAttaches(p, w))),
      peerAuthentications: both(this.peerAuthnByNs),
      requestAuthentications: both(this.requestAuthnByNs),
    };
  }
}
