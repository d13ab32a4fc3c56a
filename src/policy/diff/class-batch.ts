// Workload classes (workload-classes.ts) as plain data, so that another thread can diff them: each
// class names its targets by `namespace/name` and its rules by policy and rule index, and
// `classMeshes` cuts the two meshes down to what those targets' decisions read (the root namespace,
// the targets' namespaces and those of their waypoints; of the workloads, the targets and the
// waypoints). Diffing a class against the cut meshes gives what it gives against the whole ones. Pure.
import type { CompiledMesh, ProxyTarget } from '../evaluate/compile-mesh.js';
import type { Mesh } from '../resources/mesh.js';
import { decidingRules, type RuleRef, RuleIds } from './deciding-rules.js';
import { waypointNamespaces, waypointPaths } from './target-proxies.js';
import type { WorkloadClass } from './workload-classes.js';

export interface PortableClass {
  readonly key: string;
  /** `namespace/name` of the representative in each mesh (null where it does not exist). */
  readonly before: string | null;
  readonly after: string | null;
  /** The rules read, as `namespace/name#index` of their policy and rule. */
  readonly rulesBefore: readonly string[];
  readonly rulesAfter: readonly string[];
  readonly members: readonly { readonly namespace: string; readonly name: string }[];
}

function ruleName(r: RuleRef): string {
  return `${r.policy.ref}#${r.index}`;
}

export function portableClass(cls: WorkloadClass): PortableClass {
  const { problem } = cls;
  return {
    key: cls.key,
    before: problem.before?.key ?? null,
    after: problem.after?.key ?? null,
    rulesBefore: problem.rulesBefore.map(ruleName),
    rulesAfter: problem.rulesAfter.map(ruleName),
    members: cls.members,
  };
}

/** The class again, against two compiled meshes that hold its targets and rules. */
export function resolveClass(before: CompiledMesh, after: CompiledMesh, p: PortableClass): WorkloadClass {
  const ids = new RuleIds();
  const side = (c: CompiledMesh, key: string | null, names: readonly string[]): { target: ProxyTarget | undefined; rules: RuleRef[] } => {
    if (key === null) return { target: undefined, rules: [] };
    const target = c.workloads.get(key);
    if (target === undefined) throw new Error(`class diff: workload ${key} is not in the mesh it was cut from`);
    const wanted = new Set(names);
    return { target, rules: decidingRules(c, target, ids).filter((r) => wanted.has(ruleName(r))) };
  };
  const b = side(before, p.before, p.rulesBefore);
  const a = side(after, p.after, p.rulesAfter);
  return { key: p.key, problem: { before: b.target, after: a.target, rulesBefore: b.rules, rulesAfter: a.rules }, members: p.members };
}

/** The namespaces the decisions of `keys` (`namespace/name`) read in `c`: theirs, the root, their waypoints'. */
function namespacesRead(c: CompiledMesh, keys: readonly string[]): Set<string> {
  const out = new Set<string>([c.rootNamespace]);
  for (const key of keys) {
    const t = c.workloads.get(key);
    if (t === undefined) continue;
    out.add(t.namespace);
    for (const ns of waypointNamespaces(c, t)) out.add(ns);
  }
  return out;
}

function cut(mesh: Mesh, c: CompiledMesh, namespaces: ReadonlySet<string>, keys: readonly string[]): Mesh {
  const inside = <T extends { readonly namespace: string }>(xs: readonly T[]): T[] => xs.filter((x) => namespaces.has(x.namespace));
  const workloads = new Set(keys);
  for (const key of keys) {
    const t = c.workloads.get(key);
    if (t !== undefined) for (const w of waypointPaths(c, t)) if (w.waypoint.key !== undefined) workloads.add(w.waypoint.key);
  }
  return {
    ...mesh,
    namespaces: new Map([...mesh.namespaces].filter(([name]) => namespaces.has(name))),
    workloads: mesh.workloads.filter((w) => workloads.has(`${w.namespace}/${w.name}`)),
    services: inside(mesh.services),
    serviceAccounts: inside(mesh.serviceAccounts),
    gateways: inside(mesh.gateways),
    authorizationPolicies: inside(mesh.authorizationPolicies),
    peerAuthentications: inside(mesh.peerAuthentications),
    requestAuthentications: inside(mesh.requestAuthentications),
  };
}

/** The two meshes cut down to what the classes' representatives read. */
export function classMeshes(before: CompiledMesh, after: CompiledMesh, classes: readonly PortableClass[]): { before: Mesh; after: Mesh } {
  const keysB = classes.flatMap((p) => (p.before === null ? [] : [p.before]));
  const keysA = classes.flatMap((p) => (p.after === null ? [] : [p.after]));
  const namespaces = new Set([...namespacesRead(before, keysB), ...namespacesRead(after, keysA)]);
  return { before: cut(before.mesh, before, namespaces, keysB), after: cut(after.mesh, after, namespaces, keysA) };
}
