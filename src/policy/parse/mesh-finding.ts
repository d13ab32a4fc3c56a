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
 * - `mesh.unknown-kind`: a kind the API server does not serve in a known group, or a near miss of a
 *   kind or group gic reads (known-kinds.ts); the document is ignored (error).
 * - `mesh.missing-kind`: a mapping without `apiVersion` or `kind`; ignored, as kubectl refuses it (error).
 * - `mesh.invalid-field`: a field gic reads has a type the API server would refuse, such as a boolean
 *   where a string is expected (api-field-types.ts) (error).
 */
export const MESH_RULES = {
  duplicateObject: 'mesh.duplicate-object',
  invalidPolicy: 'mesh.invalid-policy',
  invalidObject: 'mesh.invalid-object',
  unsupportedVersion: 'mesh.unsupported-version',
  meshConfig: 'mesh.mesh-config',
  meshConfigAmbiguous: 'mesh.mesh-config.ambiguous',
  unknownKind: 'mesh.unknown-kind',
  missingKind: 'mesh.missing-kind',
  invalidField: 'mesh.invalid-field',
} as const;
