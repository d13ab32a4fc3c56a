// The AuthorizationPolicy rules that can decide a request to one target, grouped by the proxy that
// enforces them: an Envoy proxy (sidecar, gateway, waypoint addressed directly: CUSTOM including
// dry-run, enforced DENY, enforced ALLOW), or for an ambient workload its ztunnel and the waypoint of
// each of its Services. AUDIT and dry-run DENY/ALLOW rules never decide and are left out. Each rule has
// a content key (its policy's namespace, action, dry-run flag and provider, and the rule itself), so the
// rules of two meshes can be compared as multisets: a rule present in both is common, the others are
// what the edit changed. Pure.
import type { CompiledAuthorizationPolicy, CompiledMesh, EnvoyPolicies, ProxyTarget } from '../evaluate/compile-mesh.js';
import type { AuthorizationPolicy } from '../resources/mesh.js';
import { isAmbientNode, isOutsideMesh, waypointPaths } from './target-proxies.js';

export interface RuleRef {
  /** `envoy`, `ztunnel`, or `waypoint:<service namespace>/<name>`. */
  readonly group: string;
  readonly policy: CompiledAuthorizationPolicy;
  /** Index in `spec.rules`. */
  readonly index: number;
  readonly key: string;
}

/** Per AuthorizationPolicy object, the content key of each rule (computed once). */
const keysOf = new WeakMap<AuthorizationPolicy, readonly string[]>();

/** The content keys of a policy's rules, by rule index. */
export function ruleKeys(c: CompiledAuthorizationPolicy): readonly string[] {
  let keys = keysOf.get(c.policy);
  if (keys === undefined) {
    const head = JSON.stringify([c.policy.namespace, c.action, c.dryRun, c.provider ?? '']);
    keys = (c.policy.spec.rules ?? []).map((r) => `${head}${JSON.stringify(r ?? null)}`);
    keysOf.set(c.policy, keys);
  }
  return keys;
}

function envoyRules(group: string, e: EnvoyPolicies, out: RuleRef[]): void {
  const add = (list: readonly CompiledAuthorizationPolicy[]): void => {
    for (const policy of list) ruleKeys(policy).forEach((key, index) => out.push({ group, policy, index, key }));
  };
  add(e.custom);
  add(e.deny.filter((c) => !c.dryRun));
  add(e.allowEnforced);
}

/** Every rule that can decide a request to `t` in `c`. */
export function decidingRules(c: CompiledMesh, t: ProxyTarget): RuleRef[] {
  const out: RuleRef[] = [];
  if (isOutsideMesh(t)) return out;
  if (!isAmbientNode(t)) {
    envoyRules('envoy', c.envoyPolicies(t), out);
    return out;
  }
  const z = c.ztunnelPolicies(t);
  for (const policy of [...z.deny, ...z.allow]) ruleKeys(policy).forEach((key, index) => out.push({ group: 'ztunnel', policy, index, key }));
  for (const w of waypointPaths(c, t)) envoyRules(`waypoint:${w.service.namespace}/${w.service.name}`, w.policies, out);
  return out;
}
