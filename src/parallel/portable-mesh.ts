// A Mesh snapshot as structured-clonable data, to hand it to a worker thread: every object without its
// `lineOf` function (worker diffs never report lines), which `fromPortable` restores as the object's
// document start. Nothing else of a Mesh is a function.
import type { Mesh, MeshObject } from '../policy/resources/mesh.js';

type Portable = Omit<MeshObject, 'lineOf'>;

const LISTS = ['workloads', 'services', 'serviceAccounts', 'gateways', 'authorizationPolicies', 'peerAuthentications', 'requestAuthentications'] as const;
type ListKey = (typeof LISTS)[number];

/** A Mesh without functions. */
export interface PortableMesh {
  readonly meshConfig: Mesh['meshConfig'];
  readonly meshConfigSource: Portable | undefined;
  readonly namespaces: readonly (readonly [string, Portable])[];
  readonly lists: Readonly<Record<ListKey, readonly Portable[]>>;
}

function strip(o: MeshObject): Portable {
  const { lineOf: _lineOf, ...rest } = o;
  return rest;
}

function restore<T extends MeshObject>(o: Portable): T {
  return { ...o, lineOf: () => o.source.line } as unknown as T;
}

export function toPortable(mesh: Mesh): PortableMesh {
  const lists = {} as Record<ListKey, readonly Portable[]>;
  for (const key of LISTS) lists[key] = (mesh[key] as readonly MeshObject[]).map(strip);
  return {
    meshConfig: mesh.meshConfig,
    meshConfigSource: mesh.meshConfigSource === undefined ? undefined : strip(mesh.meshConfigSource),
    namespaces: [...mesh.namespaces].map(([name, ns]) => [name, strip(ns)] as const),
    lists,
  };
}

export function fromPortable(p: PortableMesh): Mesh {
  const lists = {} as Record<ListKey, MeshObject[]>;
  for (const key of LISTS) lists[key] = p.lists[key].map((o) => restore(o));
  return {
    meshConfig: p.meshConfig,
    ...(p.meshConfigSource === undefined ? {} : { meshConfigSource: restore(p.meshConfigSource) }),
    namespaces: new Map(p.namespaces.map(([name, ns]) => [name, restore(ns)])),
    ...lists,
  } as unknown as Mesh;
}
