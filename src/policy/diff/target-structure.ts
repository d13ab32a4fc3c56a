// What the diff reads of one target besides its AuthorizationPolicy rules, as one canonical string:
// the kind of proxy, the effective mTLS mode per port, the JWT rules, the CUSTOM providers, whether an
// ALLOW layer exists, the ports the workload exposes with the protocols each can carry, and for an
// ambient workload its namespace, Services and their waypoints. Two targets with equal structures and
// equal deciding rules (deciding-rules.ts) decide every request alike, whatever their names and labels.
// Also the exposure itself: the requests a workload can receive (cli.md "gic diff", docs/diff-match.md).
// Pure.
import type { Protocol } from '../evaluate/access-request.js';
import type { CompiledMesh, ProxyTarget } from '../evaluate/compile-mesh.js';
import type { EnvoyPolicies } from '../evaluate/proxy-policies.js';
import type { MergedJwtRule } from '../evaluate/jwt-authentication.js';
import type { ComposedPeerAuthentication } from '../evaluate/mtls-mode.js';
import { selectsTarget, servicePortProtocol, targetPortOf } from '../evaluate/protocol-inference.js';
import { isAmbientNode, isOutsideMesh, waypointPaths } from './target-proxies.js';

/** The ports a workload can receive requests on, each with the protocols it can carry. */
export type Exposure = ReadonlyMap<number, readonly Protocol[]>;

const ALL: readonly Protocol[] = ['http', 'grpc', 'tcp'];
const HTTP: readonly Protocol[] = ['http', 'grpc'];
const TCP: readonly Protocol[] = ['tcp'];

function union(a: readonly Protocol[], b: readonly Protocol[]): readonly Protocol[] {
  const set = new Set([...a, ...b]);
  return ALL.filter((p) => set.has(p));
}

/**
 * The ports `t` exposes (its container ports and the target ports of the Services that select it) with
 * the protocols each can carry: a Service port declaring TCP (or TLS, a database protocol, UDP)
 * carries TCP only, one declaring HTTP, HTTP/2 or gRPC carries HTTP and gRPC, and an undeclared port
 * is sniffed (any). Undefined when nothing declares a port: every port is then possible.
 */
export function exposureOf(c: CompiledMesh, t: ProxyTarget): Exposure | undefined {
  const declared = new Map<number, readonly Protocol[] | undefined>();
  for (const p of t.workload?.containerPorts ?? []) if (!declared.has(p.port)) declared.set(p.port, undefined);
  for (const s of c.servicesByNamespace.get(t.namespace) ?? []) {
    if (!selectsTarget(s, t)) continue;
    for (const sp of s.ports) {
      const port = targetPortOf(sp, t);
      if (port === undefined) continue;
      const p = servicePortProtocol(sp.name, sp.protocol, sp.appProtocol);
      const carried = p === undefined ? ALL : p === 'tcp' ? TCP : HTTP;
      const seen = declared.get(port);
      declared.set(port, seen === undefined ? carried : union(seen, carried));
    }
  }
  if (declared.size === 0) return undefined;
  const out = new Map<number, readonly Protocol[]>();
  for (const port of [...declared.keys()].sort((a, b) => a - b)) out.set(port, declared.get(port) ?? ALL);
  return out;
}

/** Requests that either mesh lets the workload receive (a port in either, a protocol either allows). */
export function unionExposure(a: Exposure | undefined, b: Exposure | undefined): Exposure | undefined {
  if (a === undefined || b === undefined) return undefined;
  const out = new Map<number, readonly Protocol[]>();
  for (const port of [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x - y)) out.set(port, union(a.get(port) ?? [], b.get(port) ?? []));
  return out;
}

function paKey(pa: ComposedPeerAuthentication): unknown {
  const ports: [string, string][] = [];
  for (const [port, v] of Object.entries(pa.workload?.spec.portLevelMtls ?? {})) {
    const mode = v?.mode;
    if (mode !== undefined && mode !== 'UNSET') ports.push([port, mode]);
  }
  return [pa.base.mode, ports.sort((x, y) => (x[0] < y[0] ? -1 : 1))];
}

function jwtKey(rules: readonly MergedJwtRule[]): unknown {
  return rules.map((r) => [r.rule, r.headers, r.params, r.cookies]);
}

function providersKey(c: CompiledMesh, e: EnvoyPolicies): unknown {
  const providers = e.customProviders.map((name) => {
    const info = c.providers.get(name);
    return info === undefined ? [name, 'missing'] : [name, info.kind, info.error ?? ''];
  });
  return [e.custom.length > 0 ? providers : null, e.allowEnforced.length > 0];
}

/** The structure of `t` in `c` (see the file header), as a canonical string. */
export function targetStructure(c: CompiledMesh, t: ProxyTarget): string {
  const exposure = exposureOf(c, t);
  const exposed = exposure === undefined ? null : [...exposure];
  if (isOutsideMesh(t)) return JSON.stringify(['none', exposed]);
  if (!isAmbientNode(t)) {
    const kind = t.isGateway ? 'gateway' : t.isWaypoint ? 'waypoint' : 'sidecar';
    const e = c.envoyPolicies(t);
    return JSON.stringify([kind, exposed, t.isGateway || t.isWaypoint ? null : paKey(c.peerAuthentication(t)), jwtKey(e.jwtRules), providersKey(c, e)]);
  }
  const paths = waypointPaths(c, t).map((w) => [
    [w.service.namespace, w.service.name, w.service.ports.map((p) => [p.port, targetPortOf(p, t) ?? null])],
    [w.waypoint.namespace, w.waypoint.serviceAccount],
    jwtKey(w.policies.jwtRules),
    providersKey(c, w.policies),
  ]);
  // Hosts route through a waypoint, short names from the workload's own namespace: the namespace
  // matters only when a waypoint serves one of its Services.
  return JSON.stringify(['ambient', exposed, paths.length > 0 ? t.namespace : null, paKey(c.peerAuthentication(t)), c.ztunnelPolicies(t).allow.length > 0, paths]);
}

/** Whether `t` can receive a request on `port` with `protocol` (any, when it declares no port). */
export function canReceive(exposure: Exposure | undefined, port: number | undefined, protocol: Protocol): boolean {
  if (exposure === undefined) return true;
  return port !== undefined && exposure.get(port)?.includes(protocol) === true;
}
