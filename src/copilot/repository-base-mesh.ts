// The base mesh of a review read from the policy repository (`review.base: repository`): the target
// branch's policy files as the mesh's Istio security resources, plus the workloads, services and
// namespaces (every other object) of the configured mesh when there is one. The configured mesh's own
// security resources are left out: the repository is the truth about policies. Pure.
import type { MeshSnapshot } from '../kube/mesh-source.js';
import { documentRef } from '../policy/analyze/analysis-snapshot.js';
import { buildMesh } from '../policy/parse/build-mesh.js';
import { readMeshInput, type MeshInputSource } from '../policy/validate/read-mesh-input.js';
import { createHash } from 'node:crypto';

const SECURITY_KINDS: ReadonlySet<string> = new Set(['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication']);

/** `files`: the branch's policy files (repository paths); `configured`: the mesh gic was started with, if any. */
export function repositoryBaseMesh(files: readonly MeshInputSource[], configured?: MeshSnapshot): MeshSnapshot {
  const branch = readMeshInput(files);
  const context = (configured?.documents ?? []).filter((d) => {
    const ref = documentRef(d);
    return ref === undefined || !SECURITY_KINDS.has(ref.kind);
  });
  const built = context.length === 0 ? { mesh: branch.mesh, findings: [] } : buildMesh([...context, ...branch.documents]);
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file.file}\0${file.text}\0`);
  hash.update(configured?.resourceVersion ?? '');
  return {
    mesh: built.mesh,
    findings: context.length === 0 ? branch.findings : [...branch.findings, ...built.findings.filter((f) => !branch.findings.includes(f))],
    inputErrors: branch.inputErrors,
    documents: [...context, ...branch.documents],
    resourceVersion: `repository:sha256:${hash.digest('hex').slice(0, 16)}`,
    generation: 0,
  };
}
