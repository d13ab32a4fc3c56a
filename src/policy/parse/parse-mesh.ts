// Files -> Mesh: parses every source (YAML or JSON, multi-document, `kind: List` expanded) and builds
// the snapshot. Parse findings and mesh findings come back together, in source order.
import { buildMesh, type BuildMeshResult } from './build-mesh.js';
import type { MeshFinding } from './mesh-finding.js';
import { type ParseOptions, parseDocuments } from './parse-documents.js';
import type { ParsedDocument } from './parsed-document.js';

export interface MeshSource {
  readonly file: string;
  readonly text: string;
}

export interface ParseMeshOptions {
  /** Parse limits and scalar resolution, per file. */
  readonly limits?: ParseOptions;
}

export function parseMesh(sources: readonly MeshSource[], options: ParseMeshOptions = {}): BuildMeshResult {
  const documents: ParsedDocument[] = [];
  const findings: MeshFinding[] = [];
  for (const source of sources) {
    const parsed = parseDocuments(source.text, source.file, options.limits);
    for (const doc of parsed.documents) documents.push(doc);
    for (const finding of parsed.findings) findings.push(finding);
  }
  const built = buildMesh(documents);
  return { mesh: built.mesh, findings: [...findings, ...built.findings] };
}
