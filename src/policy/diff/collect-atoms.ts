// The atoms of one destination workload: every literal or pattern that a policy, PeerAuthentication
// port, Service port or RequestAuthentication of EITHER mesh can test for that workload, as match
// fields (`paths: ["/a*"]`, `principals` after trust-domain alias expansion, `request.auth.claims[groups]`,
// ...), plus the token locations the jwtRules read. Over-collecting only refines the partition;
// missing an atom would merge requests that decide differently, so when unsure, collect.
import type { AuthorizationPolicy, Service } from '../resources/mesh.js';
import type { CompiledMesh, ProxyTarget } from '../evaluate/compile-mesh.js';
import type { EnvoyPolicies } from '../evaluate/proxy-policies.js';
import { waypointFor } from '../evaluate/waypoint-routing.js';
import type { MergedJwtRule } from '../evaluate/jwt-authentication.js';
import { selectsTarget, targetPortOf } from '../evaluate/protocol-inference.js';
import { claimField, claimPath, fieldInfo, type DimKey, type ValueTest } from './match-fields.js';

export interface Atom {
  readonly field: string;
  /** ORed values of the field (several after trust-domain alias expansion). */
  readonly patterns: readonly string[];
  readonly test: ValueTest;
  /** Added for a reason other than a policy rule (mTLS, protocol, JWT authentication, waypoint addressing). */
  structural: boolean;
}

export interface TargetAtoms {
  readonly byDim: Map<DimKey, Atom[]>;
  /** Every atom by field and patterns (`add` dedupes through it). */
  readonly index: Map<string, Atom>;
  /** `header:authorization`, `param:access_token`, ... read by some jwtRule of either mesh. */
  readonly tokenLocations: Set<string>;
  readonly jwtApplies: boolean;
  readonly splitClaims: Set<string>;
}

export function newTargetAtoms(): TargetAtoms {
  return { byDim: new Map(), index: new Map(), tokenLocations: new Set(), jwtApplies: false, splitClaims: new Set(['scope', 'permission']) };
}

/** Value tests by field and pattern: pure, shared by every diff (bounded; regexes compile once). */
const testCache = new Map<string, ValueTest>();
const TEST_CACHE_LIMIT = 50_000;

function testOf(field: string, pattern: string, make: (p: string) => ValueTest): ValueTest {
  const key = `${field}\u0000${pattern}`;
  let t = testCache.get(key);
  if (t === undefined) {
    if (testCache.size >= TEST_CACHE_LIMIT) testCache.clear();
    testCache.set(key, (t = make(pattern)));
  }
  return t;
}

function add(out: TargetAtoms, field: string, patterns: readonly string[], structural = false): void {
  const info = fieldInfo(field);
  if (info === undefined || patterns.length === 0) return;
  const key = `${field}\u0000${patterns.join('\u0001')}`;
  const existing = out.index.get(key);
  if (existing !== undefined) {
    if (structural) existing.structural = true;
    return;
  }
  let list = out.byDim.get(info.dim);
  if (list === undefined) out.byDim.set(info.dim, (list = []));
  const tests = patterns.map((p) => testOf(field, p, info.test));
  const atom: Atom = { field, patterns, test: tests.length === 1 ? (tests[0] as ValueTest) : (v) => tests.some((t) => t(v)), structural };
  out.index.set(key, atom);
  list.push(atom);
}

/** `requestPrincipals` value -> iss and sub patterns in claim syntax (generator.go requestPrincipalGenerator). */
export function requestPrincipalParts(value: string): { iss: string; sub: string } {
  const idx = value.lastIndexOf('/');
  const found = idx >= 0;
  const iss = found ? value.slice(0, idx) : value;
  const sub = found ? value.slice(idx + 1) : '';
  if (value === '*') return { iss: '*', sub: '*' };
  if (value.startsWith('*')) {
    if (found) return { iss: iss === '*' ? '*' : iss, sub: exactly(sub) };
    return { iss: '*', sub: value };
  }
  if (value.endsWith('*')) {
    if (found) return { iss: exactly(iss), sub: sub === '*' ? '*' : sub };
    return { iss: value, sub: '*' };
  }
  return { iss: exactly(iss), sub: exactly(sub) };
}

/** A claim pattern that means "exactly s": a `*` at either end would read as a wildcard. */
function exactly(s: string): string {
  return s;
}

function addValuesOf(out: TargetAtoms, field: string, values: readonly string[] | undefined, expand: (v: string) => readonly string[] = (v) => [v]): void {
  for (const v of values ?? []) add(out, field, expand(v));
}

function addRequestPrincipals(out: TargetAtoms, values: readonly string[] | undefined): void {
  for (const v of values ?? []) {
    const { iss, sub } = requestPrincipalParts(v);
    add(out, claimField(['iss']), [iss]);
    add(out, claimField(['sub']), [sub]);
  }
}

function addPolicy(out: TargetAtoms, policy: AuthorizationPolicy, compiled: CompiledMesh, literalTrustDomains: boolean): void {
  const bundle = compiled.bundle;
  // Envoy expands trust-domain aliases; ztunnel matches the literal value: with both readers, both atoms.
  const principal = (v: string): readonly string[] => bundle.replaceAliases([v]);
  const domain = (v: string): readonly string[] => bundle.expand([v]);
  const addValues = (o: TargetAtoms, field: string, values: readonly string[] | undefined, expand?: (v: string) => readonly string[]): void => {
    addValuesOf(o, field, values, expand);
    if (literalTrustDomains && (expand === principal || expand === domain)) addValuesOf(o, field, values);
  };
  const sa = (v: string): readonly string[] => [v.includes('/') ? v : `${policy.namespace}/${v}`];
  for (const rule of policy.spec.rules ?? []) {
    if (rule === null || rule === undefined) continue;
    for (const f of rule.from ?? []) {
      const s = f?.source;
      if (s === undefined || s === null) continue;
      addValues(out, 'principals', [...(s.principals ?? []), ...(s.notPrincipals ?? [])], principal);
      addValues(out, 'namespaces', [...(s.namespaces ?? []), ...(s.notNamespaces ?? [])]);
      addValues(out, 'serviceAccounts', [...(s.serviceAccounts ?? []), ...(s.notServiceAccounts ?? [])], sa);
      addValues(out, 'trustDomains', [...(s.trustDomains ?? []), ...(s.notTrustDomains ?? [])], domain);
      addValues(out, 'ipBlocks', [...(s.ipBlocks ?? []), ...(s.notIpBlocks ?? [])]);
      addValues(out, 'remoteIpBlocks', [...(s.remoteIpBlocks ?? []), ...(s.notRemoteIpBlocks ?? [])]);
      addRequestPrincipals(out, [...(s.requestPrincipals ?? []), ...(s.notRequestPrincipals ?? [])]);
    }
    for (const t of rule.to ?? []) {
      const o = t?.operation;
      if (o === undefined || o === null) continue;
      addValues(out, 'hosts', [...(o.hosts ?? []), ...(o.notHosts ?? [])]);
      addValues(out, 'methods', [...(o.methods ?? []), ...(o.notMethods ?? [])]);
      addValues(out, 'paths', [...(o.paths ?? []), ...(o.notPaths ?? [])]);
      addValues(out, 'ports', [...(o.ports ?? []), ...(o.notPorts ?? [])]);
    }
    for (const c of rule.when ?? []) {
      if (c === null || c === undefined) continue;
      const values = [...(c.values ?? []), ...(c.notValues ?? [])];
      switch (c.key) {
        case 'source.ip':
          addValues(out, 'ipBlocks', values);
          break;
        case 'remote.ip':
          addValues(out, 'remoteIpBlocks', values);
          break;
        case 'destination.ip':
        case 'connection.sni':
          addValues(out, c.key, values);
          break;
        case 'destination.port':
          addValues(out, 'ports', values);
          break;
        case 'source.namespace':
          addValues(out, 'namespaces', values);
          break;
        case 'source.principal':
          addValues(out, 'principals', values, principal);
          break;
        case 'source.serviceAccount':
          addValues(out, 'serviceAccounts', values, sa);
          break;
        case 'source.trustDomain':
          addValues(out, 'trustDomains', values, domain);
          break;
        case 'request.auth.principal':
          addRequestPrincipals(out, values);
          break;
        case 'request.auth.audiences':
        case 'request.auth.presenter':
          addValues(out, c.key, values);
          break;
        default:
          if (c.key.startsWith('request.auth.claims') && claimPath(c.key) !== undefined) addValues(out, c.key, values);
          else if (c.key.startsWith('request.headers[')) addValues(out, c.key, values);
      }
    }
  }
}

function addJwtRules(out: TargetAtoms, rules: readonly MergedJwtRule[]): void {
  if (rules.length > 0) (out as { jwtApplies: boolean }).jwtApplies = true;
  for (const r of rules) {
    for (const h of r.headers) out.tokenLocations.add(`header:${h}`);
    for (const p of r.params) out.tokenLocations.add(`param:${p}`);
    if (r.rule.issuer !== undefined && r.rule.issuer !== '') add(out, claimField(['iss']), [r.rule.issuer], true);
    for (const a of r.rule.audiences ?? []) add(out, 'request.auth.audiences', [a], true);
    for (const c of r.rule.spaceDelimitedClaims ?? []) out.splitClaims.add(c);
  }
}

function isAmbientNode(t: ProxyTarget): boolean {
  return t.dataplane === 'ambient' && !t.isWaypoint && t.gatewayName === undefined;
}

/** The Services of an ambient workload that a waypoint serves, with that waypoint. */
function waypointsOf(compiled: CompiledMesh, t: ProxyTarget): { service: Service; waypoint: ProxyTarget }[] {
  const out: { service: Service; waypoint: ProxyTarget }[] = [];
  for (const service of servicesOf(compiled, t)) {
    const waypoint = waypointFor(compiled, service);
    if (waypoint !== undefined) out.push({ service, waypoint });
  }
  return out;
}

/** The same with each waypoint's Envoy policies for its Service. */
export function waypointPaths(compiled: CompiledMesh, t: ProxyTarget): { service: Service; waypoint: ProxyTarget; policies: EnvoyPolicies }[] {
  return waypointsOf(compiled, t).map((w) => ({ ...w, policies: compiled.envoyPolicies(w.waypoint, w.service) }));
}

/** Namespaces of the waypoints in front of an ambient workload (none for other targets). */
export function waypointNamespaces(compiled: CompiledMesh, t: ProxyTarget): string[] {
  return isAmbientNode(t) ? waypointsOf(compiled, t).map((w) => w.waypoint.namespace) : [];
}

/** The policies that can decide for `t` in `compiled` (ambient: ztunnel's and those of the waypoints in front of it). */
export function relevantPolicies(compiled: CompiledMesh, t: ProxyTarget): AuthorizationPolicy[] {
  if (t.dataplane === 'none' && t.gatewayName === undefined && !t.isWaypoint) return [];
  const envoy = (e: EnvoyPolicies): AuthorizationPolicy[] => [...e.custom, ...e.audit, ...e.deny, ...e.allow].map((c) => c.policy);
  if (!isAmbientNode(t)) return envoy(compiled.envoyPolicies(t));
  const z = compiled.ztunnelPolicies(t);
  return [...[...z.deny, ...z.allow, ...z.ignored].map((c) => c.policy), ...waypointPaths(compiled, t).flatMap((w) => envoy(w.policies))];
}

export function relevantJwtRules(compiled: CompiledMesh, t: ProxyTarget): MergedJwtRule[] {
  if (!isAmbientNode(t)) return t.dataplane === 'none' && t.gatewayName === undefined ? [] : [...compiled.envoyPolicies(t).jwtRules];
  // ztunnel reads no token: only the waypoints authenticate.
  return waypointPaths(compiled, t).flatMap((w) => w.policies.jwtRules);
}

/**
 * Host patterns that name Service `s` (waypoint-routing.ts `hostName`: a port after the first colon
 * and one trailing dot are ignored, case does not matter): `short` ones only from the Service's own
 * namespace, `qualified` ones from anywhere.
 */
export function serviceHosts(s: Service): { short: string[]; qualified: string[] } {
  const variants = (name: string): string[] => [name, `${name}:*`, `${name}.`, `${name}.:*`];
  return {
    short: variants(s.name),
    qualified: [...variants(`${s.name}.${s.namespace}`), ...variants(`${s.name}.${s.namespace}.svc`), `${s.name}.${s.namespace}.svc.*`],
  };
}

export function servicesOf(compiled: CompiledMesh, t: ProxyTarget): Service[] {
  return (compiled.servicesByNamespace.get(t.namespace) ?? []).filter((s) => selectsTarget(s, t));
}

/** Adds everything `compiled` can test for `t` to `out`. */
export function collectAtoms(out: TargetAtoms, compiled: CompiledMesh, t: ProxyTarget): void {
  // mTLS or plaintext always matters (PeerAuthentication, ambient waypoint paths).
  add(out, 'principals', ['*'], true);
  for (const p of relevantPolicies(compiled, t)) addPolicy(out, p, compiled, isAmbientNode(t));
  addJwtRules(out, relevantJwtRules(compiled, t));
  // Ports where mTLS differs from other ports.
  const pa = compiled.peerAuthentication(t).workload;
  for (const port of Object.keys(pa?.spec.portLevelMtls ?? {})) add(out, 'ports', [port], true);
  if (!isAmbientNode(t)) return;
  // A host naming the Service sends an mTLS request through its waypoint (cli.md "Addressing"); a
  // short name names it from the caller's own namespace; the waypoint sees the Service port.
  add(out, 'namespaces', [t.namespace], true);
  for (const s of servicesOf(compiled, t)) {
    const hosts = serviceHosts(s);
    for (const h of [...hosts.short, ...hosts.qualified]) add(out, 'hosts', [h], true);
    for (const p of s.ports) {
      const target = targetPortOf(p, t);
      if (target !== undefined) add(out, 'ports', [String(target)], true);
    }
  }
}
