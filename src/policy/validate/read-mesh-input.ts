// Files -> Mesh plus its input errors, in one parse: what every command, MCP tool and the review bot
// that answers from a mesh reads (docs/input-errors.md). The Mesh is parseMesh's (same objects, same
// findings); the input errors add what the API server would reject among the Istio security resources
// (validateDocument: CRD schema, CEL, istiod's webhook), so a policy the cluster would refuse is never
// used silently. Pure.
import { buildMesh } from '../parse/build-mesh.js';
import { collectInputErrors, type InputError } from '../parse/input-errors.js';
import type { MeshFinding } from '../parse/mesh-finding.js';
import { type ParseOptions, parseDocuments } from '../parse/parse-documents.js';
import type { ParsedDocument } from '../parse/parsed-document.js';
import type { Mesh } from '../resources/mesh.js';
import { isSecurityResource, validateDocument } from './validate-document.js';
import type { ValidatedResource } from './validate-report.js';

export interface MeshInputSource {
  readonly file: string;
  readonly text: string;
}

export interface MeshInput {
  readonly mesh: Mesh;
  /** Parse and mesh-building findings (warnings included), in source order. */
  readonly findings: readonly MeshFinding[];
  /** Errors that make an answer from this mesh unusable unless the caller accepts them explicitly. */
  readonly inputErrors: readonly InputError[];
  /** The parsed documents the mesh was built from (an offline dry-run applies proposals onto them). */
  readonly documents: readonly ParsedDocument[];
}

export interface ReadMeshInputOptions {
  readonly limits?: ParseOptions;
}

export function readMeshInput(sources: readonly MeshInputSource[], options: ReadMeshInputOptions = {}): MeshInput {
  const documents: ParsedDocument[] = [];
  const findings: MeshFinding[] = [];
  for (const source of sources) {
    const parsed = parseDocuments(source.text, source.file, options.limits);
    for (const doc of parsed.documents) documents.push(doc);
    for (const finding of parsed.findings) findings.push(finding);
  }
  const built = buildMesh(documents);
  for (const finding of built.findings) findings.push(finding);
  const validated: ValidatedResource[] = [];
  for (const doc of documents) {
    if (!isSecurityResource(doc.value)) continue;
    const result = validateDocument(doc);
    if (result !== undefined && result.errors.length > 0) validated.push(result);
  }
  return { mesh: built.mesh, findings, inputErrors: collectInputErrors(findings, validated, sources.map((s) => s.file)), documents };
}
