// A problem found while turning parsed documents into a Mesh snapshot: a ParseFinding (same stable
// rule id, file, line, column, message) that may also name the object and field it concerns.
// Only data: no logic lives here.
import type { ObjectRef } from '../resources/mesh.js';
import type { ParseFinding } from './parsed-document.js';

export interface MeshFinding extends ParseFinding {
  /** The object the finding is about, when there is one. */
  readonly resource?: ObjectRef;
  /** Field path inside the object, e.g. `spec.rules[0].to[0].operation.paths`. */
  readonly field?: string;
}

/**
 * Stable rule ids of buildMesh (parseDocuments' own ids start with `yaml.`):
 * - `mesh.duplicate-object`: same kind/namespace/name twice; the last one wins (warning).
 * - `mesh.invalid-policy`: a security policy whose spec fails the CRD schema; left out of the mesh,
 *   as the API server would reject it (error; `gic validate` reports the detail).
 * - `mesh.invalid-object`: a recognised object without a usable name or with a malformed field (error).
 * - `mesh.unsupported-version`: a security kind in an apiVersion other than security.istio.io/v1, v1beta1.
 * - `mesh.mesh-config`: ConfigMap `istio` whose `data.mesh` cannot be read; defaults are used (error).
 * - `mesh.mesh-config.ambiguous`: several `istio` ConfigMaps; the one used is named (warning).
 */
export const MESH_RULES = {
  duplicateObject: 'mesh.duplicate-object',
  invalidPolicy: 'mesh.invalid-policy',
  invalidObject: 'mesh.invalid-object',
  unsupportedVersion: 'mesh.unsupported-version',
  meshConfig: 'mesh.mesh-config',
  meshConfigAmbiguous: 'mesh.mesh-config.ambiguous',
} as const;
