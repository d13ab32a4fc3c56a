// The part of a mesh that can decide the requests to the workloads of some namespaces, for diffing a
// change that touches only Istio security objects in those namespaces (not the root namespace, not a
// namespace that runs a waypoint): their workloads and Services, every waypoint with its namespace's
// Services and policies, the AuthorizationPolicies of the root namespace, of those namespaces and of
// the waypoint namespaces, and every PeerAuthentication, RequestAuthentication, Gateway, Namespace,
// service account and the MeshConfig. A request to one of those workloads is decided from exactly
// these objects (its proxy's or ztunnel's policies, the waypoint in front of it, its Services for
// protocol and addressing, mTLS and JWT settings), so the diff of two reduced meshes equals the diff
// of the full ones, while compiling a few hundred objects instead of the whole mesh.
import type { Mesh, ObjectRef } from '../policy/resources/mesh.js';

const SECURITY_KINDS: ReadonlySet<string> = new Set(['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication']);

/**
 * The namespaces a change is confined to, when a reduced diff is exact for it: every changed object
 * is a security object outside the root namespace and outside any namespace that runs a waypoint.
 * Undefined otherwise (diff the full meshes).
 */
export function confinedNamespaces(mesh: Mesh, changed: Iterable<string>): Set<string> | undefined {
  const root = mesh.meshConfig.rootNamespace;
  const waypointNamespaces = new Set(mesh.workloads.filter((w) => w.isWaypoint).map((w) => w.namespace));
  const out = new Set<string>();
  for (const key of changed) {
    const [kind, namespace] = key.split('/');
    if (kind === undefined || namespace === undefined || !SECURITY_KINDS.has(kind) || namespace === root || waypointNamespaces.has(namespace)) return undefined;
    out.add(namespace);
  }
  return out;
}

/** The reduced mesh for `namespaces` (see the file header); other objects keep their identity. */
export function reducedMesh(mesh: Mesh, namespaces: ReadonlySet<string>): Mesh {
  const root = mesh.meshConfig.rootNamespace;
  const waypointNamespaces = new Set(mesh.workloads.filter((w) => w.isWaypoint).map((w) => w.namespace));
  const keepWorkloadsOf = (o: ObjectRef & { readonly isWaypoint?: boolean }): boolean => namespaces.has(o.namespace) || waypointNamespaces.has(o.namespace);
  return {
    ...mesh,
    workloads: mesh.workloads.filter((w) => namespaces.has(w.namespace) || w.isWaypoint),
    services: mesh.services.filter(keepWorkloadsOf),
    authorizationPolicies: mesh.authorizationPolicies.filter((p) => p.namespace === root || keepWorkloadsOf(p)),
  };
}
