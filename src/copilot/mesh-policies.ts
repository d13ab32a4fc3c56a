// The Istio security resources of the mesh, listed and shown (MCP `mesh_list_policies`,
// `mesh_get_policy`, the `gic://policies/...` resources): filtered by namespace, kind and the workload
// they apply to, paginated with an opaque cursor; one policy as YAML with the file and line it was read
// from. Pure over the current snapshot.
import { stringify } from 'yaml';

import { AppError } from '../errors.js';
import type { MeshObject } from '../policy/resources/mesh.js';
import { closestNames } from './closest-names.js';
import { compiledMeshOf } from './compiled-mesh-cache.js';
import type { CopilotDeps } from './deps.js';
import { requireMesh } from './require-deps.js';

export const POLICY_KINDS = ['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication'] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

export interface PolicyListEntry {
  readonly kind: PolicyKind;
  readonly namespace: string;
  readonly name: string;
  /** AuthorizationPolicy: ALLOW, DENY, AUDIT or CUSTOM; PeerAuthentication: its mTLS mode. */
  readonly action?: string;
  /** `file.yaml:12`. */
  readonly source: string;
  /** What it selects: `namespace-wide`, `mesh-wide`, `selector app=foo`, `targetRefs ...`. */
  readonly attachment: string;
}

export interface ListPoliciesInput {
  readonly namespace?: string;
  /** `namespace/name` of a workload: only the policies that apply to it. */
  readonly workload?: string;
  readonly kind?: PolicyKind;
  readonly cursor?: string;
  readonly limit?: number;
}

export interface PolicyList {
  readonly policies: readonly PolicyListEntry[];
  readonly total: number;
  /** Pass as `cursor` for the next page; absent on the last page. */
  readonly nextCursor?: string;
}

export interface PolicyDocument {
  readonly kind: PolicyKind;
  readonly namespace: string;
  readonly name: string;
  readonly yaml: string;
  readonly source: { readonly file: string; readonly line: number };
}

const MAX_LIMIT = 200;

function attachmentOf(o: MeshObject & { readonly spec: { readonly selector?: { readonly matchLabels?: Readonly<Record<string, string>> } | null; readonly targetRef?: unknown; readonly targetRefs?: readonly unknown[] | null } }, root: string): string {
  const labels = o.spec.selector?.matchLabels;
  if (labels !== undefined && Object.keys(labels).length > 0) return `selector ${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',')}`;
  const refs = [...(o.spec.targetRefs ?? []), ...(o.spec.targetRef !== undefined && o.spec.targetRef !== null ? [o.spec.targetRef] : [])];
  if (refs.length > 0) return `targetRefs ${refs.map((r) => { const ref = r as { kind?: string; name?: string }; return `${ref.kind ?? '?'}/${ref.name ?? '?'}`; }).join(', ')}`;
  return o.namespace === root ? 'mesh-wide' : 'namespace-wide';
}

function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  if (!/^\d{1,9}$/.test(cursor)) throw new AppError('bad-request', `cursor "${cursor}" is not one this server handed out; omit it to start from the first page`);
  return Number(cursor);
}

export function listPolicies(deps: CopilotDeps, input: ListPoliciesInput): PolicyList {
  const snapshot = requireMesh(deps).snapshot();
  const mesh = snapshot.mesh;
  const compiled = compiledMeshOf(mesh);
  const root = compiled.rootNamespace;
  let applying: Set<string> | undefined;
  if (input.workload !== undefined) {
    const [ns, name] = input.workload.split('/');
    const target = ns === undefined || name === undefined ? undefined : compiled.workloadsByNamespace.get(ns)?.get(name);
    if (target === undefined) {
      const closest = closestNames(input.workload, [...compiled.workloads.keys()]);
      throw new AppError('not-found', `no workload "${input.workload}" in the mesh (write namespace/name)${closest.length > 0 ? `; did you mean ${closest.join(', ')}?` : ''}`);
    }
    applying = new Set<string>();
    if (target.dataplane === 'ambient' && !target.isWaypoint) {
      const z = compiled.ztunnelPolicies(target);
      for (const p of [...z.deny, ...z.allow, ...z.ignored]) applying.add(`AuthorizationPolicy/${p.ref}`);
    } else {
      const e = compiled.envoyPolicies(target);
      for (const p of [...e.custom, ...e.deny, ...e.allow, ...e.audit]) applying.add(`AuthorizationPolicy/${p.ref}`);
      for (const r of e.requestAuthentications) applying.add(`RequestAuthentication/${r}`);
    }
    const pa = compiled.peerAuthentication(target);
    for (const p of [pa.mesh, pa.namespace, pa.workload]) if (p !== undefined) applying.add(`PeerAuthentication/${p.namespace}/${p.name}`);
  }
  const all: PolicyListEntry[] = [];
  const add = (kind: PolicyKind, list: readonly (MeshObject & { readonly spec: object })[], action: (o: never) => string | undefined): void => {
    if (input.kind !== undefined && input.kind !== kind) return;
    for (const o of list) {
      if (input.namespace !== undefined && o.namespace !== input.namespace) continue;
      if (applying !== undefined && !applying.has(`${kind}/${o.namespace}/${o.name}`)) continue;
      const a = action(o as never);
      all.push({ kind, namespace: o.namespace, name: o.name, ...(a !== undefined ? { action: a } : {}), source: `${o.source.file}:${o.source.line}`, attachment: attachmentOf(o as never, root) });
    }
  };
  add('AuthorizationPolicy', mesh.authorizationPolicies, (p: (typeof mesh.authorizationPolicies)[number]) => p.spec.action ?? 'ALLOW');
  add('PeerAuthentication', mesh.peerAuthentications, (p: (typeof mesh.peerAuthentications)[number]) => p.spec.mtls?.mode ?? 'UNSET');
  add('RequestAuthentication', mesh.requestAuthentications, () => undefined);
  all.sort((a, b) => `${a.namespace}/${a.kind}/${a.name}`.localeCompare(`${b.namespace}/${b.kind}/${b.name}`));
  const offset = decodeCursor(input.cursor);
  const limit = Math.min(Math.max(input.limit ?? 50, 1), MAX_LIMIT);
  const page = all.slice(offset, offset + limit);
  return { policies: page, total: all.length, ...(offset + limit < all.length ? { nextCursor: String(offset + limit) } : {}) };
}

export function getPolicy(deps: CopilotDeps, input: { readonly namespace: string; readonly name: string; readonly kind?: PolicyKind }): PolicyDocument {
  const snapshot = requireMesh(deps).snapshot();
  const mesh = snapshot.mesh;
  const kinds = input.kind === undefined ? POLICY_KINDS : [input.kind];
  const lists: Record<PolicyKind, readonly MeshObject[]> = { AuthorizationPolicy: mesh.authorizationPolicies, PeerAuthentication: mesh.peerAuthentications, RequestAuthentication: mesh.requestAuthentications };
  for (const kind of kinds) {
    const found = lists[kind].find((o) => o.namespace === input.namespace && o.name === input.name);
    if (found === undefined) continue;
    const doc = snapshot.documents.find((d) => d.file === found.source.file && d.source.line === found.source.line);
    const yaml = doc !== undefined ? stringify(doc.value, { lineWidth: 0 }) : stringify({ apiVersion: found.apiVersion, kind, metadata: { name: found.name, namespace: found.namespace }, spec: (found as MeshObject & { spec?: unknown }).spec }, { lineWidth: 0 });
    return { kind, namespace: found.namespace, name: found.name, yaml, source: { file: found.source.file, line: found.source.line } };
  }
  const names = kinds.flatMap((k) => lists[k].map((o) => `${o.namespace}/${o.name}`));
  const closest = closestNames(`${input.namespace}/${input.name}`, names);
  throw new AppError('not-found', `no ${input.kind ?? 'policy'} ${input.namespace}/${input.name} in the mesh${closest.length > 0 ? `; did you mean ${closest.join(', ')}?` : ''}`);
}
