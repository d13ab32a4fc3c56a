// One CompiledMesh per Mesh snapshot object, shared by the use cases of a long-running process (MCP,
// the review bot): a snapshot is immutable, so its compiled form can be kept as long as it is alive.
import { compileMesh, type CompiledMesh } from '../policy/evaluate/compile-mesh.js';
import type { Mesh } from '../policy/resources/mesh.js';

const cache = new WeakMap<Mesh, CompiledMesh>();

export function compiledMeshOf(mesh: Mesh): CompiledMesh {
  let compiled = cache.get(mesh);
  if (compiled === undefined) {
    compiled = compileMesh(mesh);
    cache.set(mesh, compiled);
  }
  return compiled;
}
