// The offline dry-run (no cluster): what the API server would add to gic's own validation, simulated
// on a mesh snapshot. The target namespace must exist (NamespaceLifecycle) when the snapshot knows
// namespaces, and the proposal is applied to the snapshot's documents (replacing an object with the
// same kind, namespace and name, as an apply of the full object would) and the Mesh rebuilt, so the
// proposal provably enters the mesh. Field ownership of server-side apply is not simulated. Pure.
import { buildMesh } from '../policy/parse/build-mesh.js';
import type { ParsedDocument } from '../policy/parse/parsed-document.js';
import type { Mesh } from '../policy/resources/mesh.js';
import { offlineAdmission } from '../policy/validate/offline-admission.js';
import type { DryRunIssue } from './dry-run-result.js';
import type { MeshSnapshot } from './mesh-source.js';

export interface OfflineApplyResult {
  readonly errors: readonly DryRunIssue[];
  readonly warnings: readonly DryRunIssue[];
  /** The snapshot's mesh with the proposal applied (when it could be applied). */
  readonly mesh?: Mesh;
}

type Obj = Record<string, unknown>;

function identity(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const o = value as Obj;
  const metadata = (typeof o['metadata'] === 'object' && o['metadata'] !== null ? o['metadata'] : {}) as Obj;
  const group = String(o['apiVersion'] ?? '').split('/')[0];
  return `${group}/${String(o['kind'])}/${String(metadata['namespace'] || 'default')}/${String(metadata['name'])}`;
}

/** Simulates applying one (already validated) security resource to the snapshot. */
export function offlineApply(doc: ParsedDocument, namespace: string, name: string, kind: string, snapshot: MeshSnapshot | undefined): OfflineApplyResult {
  const errors: DryRunIssue[] = [];
  const warnings: DryRunIssue[] = [];
  if (snapshot === undefined) return { errors, warnings };
  const admission = offlineAdmission(snapshot.mesh, namespace);
  if (admission.length > 0) return { errors: admission, warnings };
  const id = identity(doc.value);
  const documents = snapshot.documents.filter((d) => identity(d.value) !== id);
  const replaced = documents.length !== snapshot.documents.length;
  const { mesh, findings } = buildMesh([...documents, doc]);
  for (const finding of findings) {
    const r = finding.resource;
    if (r === undefined || r.kind !== kind || r.namespace !== namespace || r.name !== name || finding.file !== doc.file) continue;
    (finding.level === 'error' ? errors : warnings).push({ field: finding.field ?? '', message: finding.message });
  }
  if (replaced) warnings.push({ field: '', message: `replaces the existing ${kind} ${namespace}/${name} of the mesh snapshot` });
  return { errors, warnings, mesh };
}
