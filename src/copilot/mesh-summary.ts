// What the mesh looks like, in one answer a person or a model can read (MCP `mesh_summary`): namespaces
// with their dataplane, workloads with their mTLS mode and the policies that apply to them, policy
// counts by kind and action, policy coverage (workloads with no ALLOW policy and no DENY policy accept
// everything the mTLS mode lets through) and the mesh's input errors. Pure over the current snapshot.
import type { InputError } from '../policy/parse/input-errors.js';
import { compiledMeshOf } from './compiled-mesh-cache.js';
import type { CopilotDeps } from './deps.js';
import { requireMesh } from './require-deps.js';

export interface WorkloadSummary {
  readonly namespace: string;
  readonly name: string;
  readonly serviceAccount: string;
  readonly dataplane: 'sidecar' | 'ambient' | 'none';
  /** The effective mTLS mode of the workload (port-level overrides aside). */
  readonly mtls: string;
  /** `namespace/name` of the AuthorizationPolicies that apply to the workload. */
  readonly policies: readonly string[];
  /** Whether an ALLOW, DENY or CUSTOM policy applies (false: every request mTLS lets through is allowed). */
  readonly covered: boolean;
}

export interface MeshSummary {
  readonly origin: string;
  readonly resourceVersion: string;
  readonly rootNamespace: string;
  readonly trustDomain: string;
  readonly namespaces: readonly { readonly name: string; readonly dataplane: string; readonly workloads: number }[];
  readonly workloads: readonly WorkloadSummary[];
  readonly policies: {
    readonly authorizationPolicies: number;
    readonly peerAuthentications: number;
    readonly requestAuthentications: number;
    readonly byAction: Readonly<Record<string, number>>;
  };
  readonly coverage: { readonly workloads: number; readonly covered: number; readonly uncovered: readonly string[] };
  readonly dataplane: Readonly<Record<string, number>>;
  readonly inputErrors: readonly InputError[];
}

function namespaceDataplane(labels: Readonly<Record<string, string>>): string {
  if (labels['istio.io/dataplane-mode'] === 'ambient') return 'ambient';
  if (labels['istio-injection'] === 'enabled' || labels['istio.io/rev'] !== undefined) return 'sidecar';
  return 'none';
}

export function meshSummary(deps: CopilotDeps): MeshSummary {
  const view = requireMesh(deps);
  const snapshot = view.snapshot();
  const compiled = compiledMeshOf(snapshot.mesh);
  const mesh = snapshot.mesh;
  const workloads: WorkloadSummary[] = [];
  const dataplane: Record<string, number> = {};
  for (const target of compiled.workloads.values()) {
    const w = target.workload;
    if (w === undefined) continue;
    let policies: string[] = [];
    if (target.dataplane === 'ambient' && !target.isWaypoint) {
      const z = compiled.ztunnelPolicies(target);
      policies = [...z.deny, ...z.allow].map((p) => p.ref);
    } else if (target.dataplane !== 'none') {
      const e = compiled.envoyPolicies(target);
      policies = [...e.custom, ...e.deny, ...e.allow, ...e.audit].map((p) => p.ref);
    }
    const mtls = target.isGateway || target.dataplane === 'none' ? 'n/a' : compiled.peerAuthentication(target).base.mode;
    const unique = [...new Set(policies)].sort();
    workloads.push({ namespace: w.namespace, name: w.name, serviceAccount: w.serviceAccount, dataplane: w.dataplane, mtls, policies: unique, covered: unique.length > 0 });
    dataplane[w.dataplane] = (dataplane[w.dataplane] ?? 0) + 1;
  }
  workloads.sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  const perNamespace = new Map<string, number>();
  for (const w of workloads) perNamespace.set(w.namespace, (perNamespace.get(w.namespace) ?? 0) + 1);
  const byAction: Record<string, number> = {};
  for (const p of mesh.authorizationPolicies) {
    const action = p.spec.action ?? 'ALLOW';
    byAction[action] = (byAction[action] ?? 0) + 1;
  }
  const inMesh = workloads.filter((w) => w.dataplane !== 'none');
  return {
    origin: view.origin,
    resourceVersion: snapshot.resourceVersion,
    rootNamespace: compiled.rootNamespace,
    trustDomain: compiled.trustDomain,
    namespaces: [...mesh.namespaces.values()].map((n) => ({ name: n.name, dataplane: namespaceDataplane(n.labels), workloads: perNamespace.get(n.name) ?? 0 })).sort((a, b) => a.name.localeCompare(b.name)),
    workloads,
    policies: {
      authorizationPolicies: mesh.authorizationPolicies.length,
      peerAuthentications: mesh.peerAuthentications.length,
      requestAuthentications: mesh.requestAuthentications.length,
      byAction,
    },
    coverage: { workloads: inMesh.length, covered: inMesh.filter((w) => w.covered).length, uncovered: inMesh.filter((w) => !w.covered).map((w) => `${w.namespace}/${w.name}`) },
    dataplane,
    inputErrors: snapshot.inputErrors,
  };
}
