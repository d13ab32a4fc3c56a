// The AuthorizationPolicy rules that can decide a request to one target, grouped by the proxy that
// enforces them: an Envoy proxy (sidecar, gateway, waypoint addressed directly: CUSTOM including
// dry-run, enforced DENY, enforced ALLOW), or for an ambient workload its ztunnel and the waypoint of
// each of its Services. AUDIT and dry-run DENY/ALLOW rules never decide and are left out. Each rule has
// a content key (its policy's namespace, action, dry-run flag and provider, and the rule itself), so the
// rules of two meshes can be compared as multisets: a rule present in both is common, the others are
// what the edit changed. Pure.
import type { CompiledMesh, ProxyTarget } from '../evaluate/compile-mesh.js';
import type { CompiledAuthorizationPolicy, EnvoyPolicies } from '../evaluate/proxy-policies.js';
import type { AuthorizationPolicy } from '../resources/mesh.js';
import { isAmbientNode, isOutsideMesh, waypointPaths } from './target-proxies.js';

export interface RuleRef {
  /** `envoy`, `ztunnel`, or `waypoint:<service namespace>/<name>`. */
  readonly group: string;
  readonly policy: CompiledAuthorizationPolicy;
  /** Index in `spec.rules`. */
  readonly index: number;
  readonly key: string;
  /** A small number per distinct group and key (equal rules, equal ids; see `decidingRules`). */
  readonly id: number;
}

/** Numbers for group and key pairs: one instance per diff, so that ids compare across both meshes. */
export class RuleIds {
  private readonly ids = new Map<string, number>();
  private readonly byPolicy = new WeakMap<AuthorizationPolicy, Map<string, readonly number[]>>();

  of(group: string, key: string): number {
    const k = `${group}\u0000${key}`;
    let id = this.ids.get(k);
    if (id === undefined) this.ids.set(k, (id = this.ids.size));
    return id;
  }

  /** The ids of a policy's rules in `group`, by rule index (computed once per policy object). */
  ofPolicy(group: string, c: CompiledAuthorizationPolicy): readonly number[] {
    let byGroup = this.byPolicy.get(c.policy);
    if (byGroup === undefined) this.byPolicy.set(c.policy, (byGroup = new Map()));
    let out = byGroup.get(group);
    if (out === undefined) byGroup.set(group, (out = ruleKeys(c).map((key) => this.of(group, key))));
    return out;
  }
}

/** Per AuthorizationPolicy object, the content key of each rule (computed once). */
const keysOf = new WeakMap<AuthorizationPolicy, readonly string[]>();

/** The content keys of a policy's rules, by rule index. */
function ruleKeys(c: CompiledAuthorizationPolicy): readonly string[] {
  let keys = keysOf.get(c.policy);
  if (keys === undefined) {
    const head = JSON.stringify([c.policy.namespace, c.action, c.dryRun, c.provider ?? '']);
    keys = (c.policy.spec.rules ?? []).map((r) => `${head}${JSON.stringify(r ?? null)}`);
    keysOf.set(c.policy, keys);
  }
  return keys;
}

function envoyRules(group: string, e: EnvoyPolicies, ids: RuleIds, out: RuleRef[]): void {
  const add = (list: readonly CompiledAuthorizationPolicy[]): void => {
    for (const policy of list) {
      const keys = ruleKeys(policy);
      const numbers = ids.ofPolicy(group, policy);
      keys.forEach((key, index) => out.push({ group, policy, index, key, id: numbers[index] as number }));
    }
  };
  add(e.custom);
  add(e.deny.filter((c) => !c.dryRun));
  add(e.allowEnforced);
}

/** The policies whose rules can decide a request to `t` in `c` (AUDIT and dry-run DENY/ALLOW never do). */
export function decidingPolicies(c: CompiledMesh, t: ProxyTarget): CompiledAuthorizationPolicy[] {
  if (isOutsideMesh(t)) return [];
  const envoy = (e: EnvoyPolicies): CompiledAuthorizationPolicy[] => [...e.custom, ...e.deny.filter((p) => !p.dryRun), ...e.allowEnforced];
  if (!isAmbientNode(t)) return envoy(c.envoyPolicies(t));
  const z = c.ztunnelPolicies(t);
  return [...z.deny, ...z.allow, ...waypointPaths(c, t).flatMap((w) => envoy(w.policies))];
}

const contentKeys = new WeakMap<AuthorizationPolicy, string>();

/** A policy's content (namespace, name, annotations, spec) as one string, computed once per object. */
export function policyContent(p: AuthorizationPolicy): string {
  let k = contentKeys.get(p);
  if (k === undefined) contentKeys.set(p, (k = JSON.stringify([p.namespace, p.name, p.annotations, p.spec])));
  return k;
}

/** Every rule that can decide a request to `t` in `c`, numbered by `ids`. */
export function decidingRules(c: CompiledMesh, t: ProxyTarget, ids: RuleIds): RuleRef[] {
  const out: RuleRef[] = [];
  if (isOutsideMesh(t)) return out;
  if (!isAmbientNode(t)) {
    envoyRules('envoy', c.envoyPolicies(t), ids, out);
    return out;
  }
  const z = c.ztunnelPolicies(t);
  for (const policy of [...z.deny, ...z.allow]) {
    const numbers = ids.ofPolicy('ztunnel', policy);
    ruleKeys(policy).forEach((key, index) => out.push({ group: 'ztunnel', policy, index, key, id: numbers[index] as number }));
  }
  for (const w of waypointPaths(c, t)) envoyRules(`waypoint:${w.service.namespace}/${w.service.name}`, w.policies, ids, out);
  return out;
}

/** Which rules of a policy a side formula reads (rule index in `spec.rules`; -1: whether any rule of it). */
export type RuleKeep = (policy: CompiledAuthorizationPolicy, index: number) => boolean;

/** A filter that reads exactly `rules` (side-formulas.ts). */
export function keepRules(rules: readonly RuleRef[]): RuleKeep {
  const kept = new Map<CompiledAuthorizationPolicy, Set<number>>();
  for (const r of rules) {
    let set = kept.get(r.policy);
    if (set === undefined) kept.set(r.policy, (set = new Set()));
    set.add(r.index);
  }
  return (policy, index) => {
    const set = kept.get(policy);
    return set !== undefined && (index < 0 || set.has(index));
  };
}
