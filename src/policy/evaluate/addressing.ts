// Who is called and who calls (cli.md "gic check" request): the proxy target of `to` (a workload of the
// snapshot, the generated pods of a Gateway-API Gateway, or an ad-hoc workload described by labels) and
// the caller's mTLS identity from `from` (a workload, a principal, or a plaintext client). The hot form
// `callerIdentity` resolves the identity only; the traced form `describeCaller` also says how.
import type { AccessRequest } from './access-request.js';
import { adHocTarget, type CompiledMesh, generatedGatewayTarget, type ProxyTarget, WAYPOINT_GATEWAY_CLASS } from './compile-mesh.js';
import { peerFor, peerFromPrincipal, type PeerIdentity } from './request-attributes.js';

/** The proxy that enforces policy for `request.to`; `trace` gets a line when it is not a workload of the snapshot. */
export function resolveTarget(compiled: CompiledMesh, request: AccessRequest, trace: string[] | undefined): ProxyTarget {
  const to = request.to;
  if (to.workload !== undefined) {
    const t = compiled.workloadsByNamespace.get(to.namespace)?.get(to.workload);
    if (t !== undefined) return t;
    trace?.push(`target: workload ${to.namespace}/${to.workload} is not in the snapshot: evaluated as a workload with no labels`);
    // A Gateway-API Gateway whose Deployment istiod generates: the gateway pods carry its name.
    const gw = compiled.gateways.get(`${to.namespace}/${to.workload}`);
    if (gw !== undefined) {
      const waypoint = gw.gatewayClassName === WAYPOINT_GATEWAY_CLASS;
      trace?.push(`target: Gateway ${gw.namespace}/${gw.name} (class ${gw.gatewayClassName}) stands for its generated ${waypoint ? 'waypoint' : 'gateway'} pods`);
      return generatedGatewayTarget(gw.namespace, gw.name, waypoint ? gw.name : `${gw.name}-${gw.gatewayClassName}`, waypoint, compiled.trustDomain);
    }
  }
  const labels = to.labels ?? {};
  const ns = compiled.namespaces.get(to.namespace)?.labels ?? {};
  const ambient = (labels['istio.io/dataplane-mode'] ?? ns['istio.io/dataplane-mode']) === 'ambient';
  const target = adHocTarget(to.namespace, labels, to.serviceAccount ?? 'default', ambient ? 'ambient' : 'sidecar', compiled.trustDomain);
  const gwName = target.gatewayName;
  if (gwName !== undefined && compiled.gateways.get(`${to.namespace}/${gwName}`)?.gatewayClassName === WAYPOINT_GATEWAY_CLASS) {
    return { ...target, isWaypoint: true, isGateway: false };
  }
  return target;
}

const MEMO_LIMIT = 4096;
const principalMemo = new Map<string, PeerIdentity>();

/** `peerFromPrincipal`, memoized (identities are immutable values). */
function peerOfPrincipal(principal: string): PeerIdentity {
  const hit = principalMemo.get(principal);
  if (hit !== undefined) return hit;
  const id = peerFromPrincipal(principal);
  if (principalMemo.size >= MEMO_LIMIT) principalMemo.clear();
  principalMemo.set(principal, id);
  return id;
}

/**
 * Hot: the caller's mTLS identity; undefined for a plaintext client. A workload that is not in the
 * snapshot is assumed in the mesh with service account `default`; gateways and waypoints are Envoy
 * proxies with a mesh identity whatever their pod spec says.
 */
export function callerIdentity(compiled: CompiledMesh, request: AccessRequest): PeerIdentity | undefined {
  const from = request.from;
  if (from === undefined) return undefined;
  if ('principal' in from) return peerOfPrincipal(from.principal);
  if ('workload' in from) {
    const w = compiled.workloadsByNamespace.get(from.namespace)?.get(from.workload);
    if (w === undefined) return peerFor(compiled.trustDomain, from.namespace, 'default');
    if (w.dataplane === 'none' && !w.isGateway && !w.isWaypoint) return undefined;
    return w.peer;
  }
  return undefined;
}

/** Traced: the caller as callerIdentity resolves it, in words. */
export function describeCaller(compiled: CompiledMesh, request: AccessRequest): string {
  const from = request.from;
  if (from === undefined) return 'an unidentified plaintext client';
  if ('principal' in from) return `mTLS peer ${peerOfPrincipal(from.principal).principal}`;
  if ('workload' in from) {
    const w = compiled.workloadsByNamespace.get(from.namespace)?.get(from.workload);
    if (w === undefined) return `workload ${from.namespace}/${from.workload} (not in the snapshot: assumed in the mesh with service account default)`;
    if (w.dataplane === 'none' && !w.isGateway && !w.isWaypoint) return `workload ${from.namespace}/${from.workload} (not in the mesh: plaintext)`;
    return `workload ${from.namespace}/${from.workload} (${w.isWaypoint ? 'waypoint' : w.isGateway ? 'gateway' : w.dataplane}, identity ${w.peer.principal})`;
  }
  return 'a plaintext client';
}
