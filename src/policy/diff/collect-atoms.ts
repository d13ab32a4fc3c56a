// The atoms of one destination workload: every literal or pattern that a deciding rule, PeerAuthentication
// port, Service port or RequestAuthentication of EITHER mesh can test for that workload, as match
// fields (`paths: ["/a*"]`, `principals` after trust-domain alias expansion, `request.auth.claims[groups]`,
// ...), plus the token locations the jwtRules read. The rules are given (deciding-rules.ts, possibly
// narrowed to those an edit can reach: edit-relevance.ts). Over-collecting only refines the partition;
// missing an atom would merge requests that decide differently, so when unsure, collect.
import type { CompiledMesh, ProxyTarget } from '../evaluate/compile-mesh.js';
import type { MergedJwtRule } from '../evaluate/jwt-authentication.js';
import { targetPortOf } from '../evaluate/protocol-inference.js';
import type { RuleRef } from './deciding-rules.js';
import { claimField, fieldInfo, type DimKey, type ValueTest } from './match-fields.js';
import { ruleFields } from './rule-fields.js';
import { isAmbientNode, relevantJwtRules, serviceHosts, waypointPaths } from './target-proxies.js';
import type { Exposure } from './target-structure.js';

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

/** The test of an atom (`field` matches one of `patterns`). */
export function atomTest(field: string, patterns: readonly string[]): ValueTest | undefined {
  const info = fieldInfo(field);
  if (info === undefined || patterns.length === 0) return undefined;
  const tests = patterns.map((p) => testOf(field, p, info.test));
  return tests.length === 1 ? (tests[0] as ValueTest) : (v) => tests.some((t) => t(v));
}

export function atomKey(field: string, patterns: readonly string[]): string {
  return `${field}\u0000${patterns.join('\u0001')}`;
}

function add(out: TargetAtoms, field: string, patterns: readonly string[], structural = false): void {
  const key = atomKey(field, patterns);
  const existing = out.index.get(key);
  if (existing !== undefined) {
    if (structural) existing.structural = true;
    return;
  }
  const info = fieldInfo(field);
  const test = atomTest(field, patterns);
  if (info === undefined || test === undefined) return;
  let list = out.byDim.get(info.dim);
  if (list === undefined) out.byDim.set(info.dim, (list = []));
  const atom: Atom = { field, patterns, test, structural };
  out.index.set(key, atom);
  list.push(atom);
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

/** Ports whose Services declare a protocol carry only that protocol: each gets a cell of its own. */
export function collectExposure(out: TargetAtoms, exposure: Exposure | undefined): void {
  for (const [port, protocols] of exposure ?? []) if (protocols.length < 3) add(out, 'ports', [String(port)], true);
}

/**
 * Adds everything `compiled` can test for `t` through `rules` (deciding rules of `t` in `compiled`) to
 * `out`; without the hosts and namespace that route ambient requests when not `routed`.
 */
export function collectAtoms(out: TargetAtoms, compiled: CompiledMesh, t: ProxyTarget, rules: readonly RuleRef[], routed = true): void {
  // mTLS or plaintext always matters (PeerAuthentication, ambient waypoint paths).
  add(out, 'principals', ['*'], true);
  const ambient = isAmbientNode(t);
  for (const r of rules) {
    const fields = ruleFields(r.policy.policy.spec.rules?.[r.index], { bundle: compiled.bundle, policyNamespace: r.policy.policy.namespace, literalTrustDomains: ambient });
    for (const terms of [...fields.sources, ...fields.operations, fields.conditions]) for (const term of terms) for (const value of term.values) for (const a of value) add(out, a.field, a.patterns);
  }
  addJwtRules(out, relevantJwtRules(compiled, t));
  // Ports where mTLS differs from other ports.
  const pa = compiled.peerAuthentication(t).workload;
  for (const port of Object.keys(pa?.spec.portLevelMtls ?? {})) add(out, 'ports', [port], true);
  // A host naming a Service that a waypoint serves sends an mTLS request through it (cli.md
  // "Addressing"); a short name names it from the caller's own namespace; the waypoint sees the
  // Service port.
  const paths = waypointPaths(compiled, t);
  if (!ambient || paths.length === 0) return;
  if (routed) add(out, 'namespaces', [t.namespace], true);
  for (const { service: s } of paths) {
    const hosts = serviceHosts(s);
    if (routed) for (const h of [...hosts.short, ...hosts.qualified]) add(out, 'hosts', [h], true);
    for (const p of s.ports) {
      const target = targetPortOf(p, t);
      if (target !== undefined) add(out, 'ports', [String(target)], true);
    }
  }
}
