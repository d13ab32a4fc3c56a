// What the API server's admission adds to gic's validation when a resource is applied to a mesh
// snapshot offline (no cluster): the NamespaceLifecycle check, "namespaces "x" not found", whenever the
// snapshot knows its namespaces. Shared by `gic dry-run --offline --mesh` (src/kube) and the built-in
// dry-run of `gic propose`, so both accept and reject the same YAML on the same mesh. Pure.
import type { Mesh } from '../resources/mesh.js';

export interface AdmissionIssue {
  readonly field: string;
  readonly message: string;
}

export function offlineAdmission(mesh: Mesh, namespace: string): AdmissionIssue[] {
  if (mesh.namespaces.size > 0 && !mesh.namespaces.has(namespace)) {
    return [{ field: 'metadata.namespace', message: `namespaces "${namespace}" not found in the mesh snapshot` }];
  }
  return [];
}
