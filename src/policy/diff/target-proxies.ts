// The proxies that enforce policy for one destination: the Envoy proxy of a sidecar, gateway or
// waypoint addressed directly, or for an ambient workload its ztunnel plus the waypoint of each of its
// Services that one serves; the policies and RequestAuthentication rules those proxies apply. Also
// the host patterns that name a Service (ambient waypoint routing). Pure.
import type { CompiledMesh, ProxyTarget } from '../evaluate/compile-mesh.js';
import type { MergedJwtRule } from '../evaluate/jwt-authentication.js';
import { selectsTarget } from '../evaluate/protocol-inference.js';
import type { EnvoyPolicies } from '../evaluate/proxy-policies.js';
import { waypointFor } from '../evaluate/waypoint-routing.js';
import type { AuthorizationPolicy, Service } from '../resources/mesh.js';

/** An ambient workload (not a waypoint or gateway): ztunnel enforces L4, waypoints L7. */
export function isAmbientNode(t: ProxyTarget): boolean {
  return t.dataplane === 'ambient' && !t.isWaypoint && t.gatewayName === undefined;
}

/** A workload outside the mesh: no proxy enforces any policy. */
export function isOutsideMesh(t: ProxyTarget): boolean {
  return t.dataplane === 'none' && !t.isGateway && !t.isWaypoint;
}

/** The Services in `t`'s namespace that select it. */
export function servicesOf(compiled: CompiledMesh, t: ProxyTarget): Service[] {
  return (compiled.servicesByNamespace.get(t.namespace) ?? []).filter((s) => selectsTarget(s, t));
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

/** The same with each waypoint's Envoy policies for its Service (none for a target that is not ambient). */
export function waypointPaths(compiled: CompiledMesh, t: ProxyTarget): { service: Service; waypoint: ProxyTarget; policies: EnvoyPolicies }[] {
  if (!isAmbientNode(t)) return [];
  return waypointsOf(compiled, t).map((w) => ({ ...w, policies: compiled.envoyPolicies(w.waypoint, w.service) }));
}

/** Namespaces of the waypoints in front of an ambient workload (none for other targets). */
export function waypointNamespaces(compiled: CompiledMesh, t: ProxyTarget): string[] {
  return isAmbientNode(t) ? waypointsOf(compiled, t).map((w) => w.waypoint.namespace) : [];
}

/**
 * Every AuthorizationPolicy that applies to a request to `t`, deciding or not (AUDIT, dry-run, and for
 * an ambient workload those ztunnel ignores), at its own proxy and at the waypoints in front of it.
 */
export function relevantPolicies(compiled: CompiledMesh, t: ProxyTarget): AuthorizationPolicy[] {
  if (isOutsideMesh(t)) return [];
  const envoy = (e: EnvoyPolicies): AuthorizationPolicy[] => [...e.custom, ...e.audit, ...e.deny, ...e.allow].map((c) => c.policy);
  if (!isAmbientNode(t)) return envoy(compiled.envoyPolicies(t));
  const z = compiled.ztunnelPolicies(t);
  return [...[...z.deny, ...z.allow, ...z.ignored].map((c) => c.policy), ...waypointPaths(compiled, t).flatMap((w) => envoy(w.policies))];
}

/** The jwtRules of the proxies that authenticate requests to `t` (ambient: its waypoints; ztunnel reads no token). */
export function relevantJwtRules(compiled: CompiledMesh, t: ProxyTarget): MergedJwtRule[] {
  if (isOutsideMesh(t)) return [];
  if (!isAmbientNode(t)) return [...compiled.envoyPolicies(t).jwtRules];
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
