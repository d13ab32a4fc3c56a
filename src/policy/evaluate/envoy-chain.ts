// One Envoy proxy's rules on one filter chain (HTTP or TCP) and destination port, as a decision scans
// them (proxy-policies.ts `EnvoyChain`): the CUSTOM, DENY and ALLOW stages each list the rules of theirs
// that can match on that port (stages/custom.ts, deny.ts, allow.ts), and the lists are packed into one
// guarded scan array. Built on first use and cached on the proxy's EnvoyPolicies.
import type { CompiledMesh } from './compile-mesh.js';
import type { EnvoyChain, EnvoyPolicies } from './proxy-policies.js';
import { RuleEntries } from './rule-entries.js';
import { allowEntries, defaultDenyReasons } from './stages/allow.js';
import { customEntries, customSetup } from './stages/custom.js';
import { denyEntries } from './stages/deny.js';

/**
 * The chain of the proxy whose policies are `policies` (`proxy`: `<sidecar|gateway|waypoint>
 * <namespace>/<name>`, as CUSTOM messages name it) for one filter chain and port. An EnvoyPolicies value
 * belongs to one proxy seen one way (a target, or a waypoint for one Service: compile-mesh.ts
 * `envoyPolicies`), so `proxy` is the same on every call for the same `policies`.
 */
export function envoyChain(compiled: CompiledMesh, policies: EnvoyPolicies, http: boolean, port: number | undefined, proxy: string): EnvoyChain {
  // Ports are 0-65535 (-1: none): one number keys the port and the filter chain.
  const key = (port ?? -1) * 2 + (http ? 1 : 0);
  const hit = policies.chains.get(key);
  if (hit !== undefined) return hit;
  const custom = customSetup(compiled, policies, http, proxy);
  const list = new RuleEntries(port);
  customEntries(list, policies, custom, http);
  const denyStart = list.length;
  denyEntries(list, policies, http);
  const allowStart = list.length;
  allowEntries(list, policies, http);
  const chain: EnvoyChain = {
    policies,
    http,
    custom,
    ...list.pack(),
    denyStart,
    allowStart,
    hasAllowLayer: policies.allowEnforced.length > 0,
    defaultDeny: defaultDenyReasons(policies, http),
  };
  policies.chains.set(key, chain);
  return chain;
}
