// A mesh with some files replaced, for reviewing a change: the objects of the changed files' old
// versions (and any object the new versions redefine) leave the base mesh, the new versions' objects
// enter it. When the changed files hold only Istio security resources (the usual policy change) the
// base Mesh is patched in place of a rebuild: every other object stays the same JS object, which lets
// the diff skip untouched namespaces and the compiled-policy cache reuse what it compiled before.
// Anything else (a Deployment, a Namespace, MeshConfig) rebuilds the mesh from the documents. Pure.
import { documentRef } from '../policy/analyze/analysis-snapshot.js';
import { buildMesh } from '../policy/parse/build-mesh.js';
import type { MeshFinding } from '../policy/parse/mesh-finding.js';
import type { ParsedDocument } from '../policy/parse/parsed-document.js';
import type { Mesh, ObjectRef } from '../policy/resources/mesh.js';

const SECURITY_KINDS: ReadonlySet<string> = new Set(['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication']);

function key(ref: ObjectRef): string {
  return `${ref.kind}/${ref.namespace}/${ref.name}`;
}

export interface PatchedMesh {
  readonly mesh: Mesh;
  /** Build findings of the new documents (rebuild: of every document). */
  readonly findings: readonly MeshFinding[];
  /** Whether the base was patched (true) or rebuilt (false). */
  readonly patched: boolean;
}

/**
 * `base` with `removed` objects taken out and the objects of `added` documents put in. `baseDocuments`
 * are needed only for a rebuild (when a non-security object changes).
 */
export function patchMesh(base: Mesh, baseDocuments: readonly ParsedDocument[], removed: ReadonlySet<string>, added: readonly ParsedDocument[]): PatchedMesh {
  const addedRefs = added.map((d) => documentRef(d));
  const securityOnly = [...removed].every((k) => SECURITY_KINDS.has(k.split('/')[0] ?? '')) && addedRefs.every((r) => r === undefined || SECURITY_KINDS.has(r.kind));
  if (!securityOnly) {
    const keep = baseDocuments.filter((d) => {
      const r = documentRef(d);
      return r === undefined || !removed.has(key(r));
    });
    const built = buildMesh([...keep, ...added]);
    return { mesh: built.mesh, findings: built.findings, patched: false };
  }
  const built = buildMesh(added);
  const drop = <T extends ObjectRef>(list: readonly T[], fresh: readonly T[]): T[] => {
    const replaced = new Set([...removed, ...fresh.map(key)]);
    const kept = list.filter((o) => !replaced.has(key(o)));
    return kept.length === list.length && fresh.length === 0 ? (list as T[]) : [...kept, ...fresh];
  };
  const mesh: Mesh = {
    ...base,
    authorizationPolicies: drop(base.authorizationPolicies, built.mesh.authorizationPolicies),
    peerAuthentications: drop(base.peerAuthentications, built.mesh.peerAuthentications),
    requestAuthentications: drop(base.requestAuthentications, built.mesh.requestAuthentications),
  };
  return { mesh, findings: built.findings, patched: true };
}

/** Keys (`Kind/namespace/name`) of the objects in documents. */
export function documentKeys(documents: readonly ParsedDocument[]): Set<string> {
  const out = new Set<string>();
  for (const d of documents) {
    const r = documentRef(d);
    if (r !== undefined && r.name !== '') out.add(key(r));
  }
  return out;
}
