// The workloads an edit reaches, grouped into classes it treats alike. A workload is unchanged when
// both meshes give it the same structure (target-structure.ts: proxy kind, mTLS per port, JWT rules,
// providers, exposed ports and protocols, ambient routing) and the same deciding rules
// (deciding-rules.ts, compared by content). Otherwise its diff reads its structure in both meshes and
// the rules the edit can reach (edit-relevance.ts); workloads for which all of that is equal have the
// same diff up to their name, so each class is diffed once (class-diff.ts) for all its members. Pure.
import type { CompiledMesh, ProxyTarget } from '../evaluate/compile-mesh.js';
import type { AuthorizationPolicy, Mesh } from '../resources/mesh.js';
import type { ClassProblem, DiffStats } from './class-diff.js';
import { decidingPolicies, decidingRules, policyContent, type RuleRef, RuleIds } from './deciding-rules.js';
import { EditRelevance, type RelevanceTicket } from './edit-relevance.js';
import { waypointNamespaces } from './target-proxies.js';
import { targetStructure } from './target-structure.js';

export interface WorkloadClass {
  readonly key: string;
  /** The diff of the first member (its representative). */
  readonly problem: ClassProblem;
  readonly members: readonly { readonly namespace: string; readonly name: string }[];
}

export interface PlanOptions {
  /** Only these workloads (`namespace/name`). */
  readonly only?: ReadonlySet<string> | undefined;
  /** One class per workload (the reference that class sharing must equal). */
  readonly perWorkload?: boolean;
  /**
   * Leave out the rules an edit cannot reach (edit-relevance.ts) once it reaches this many workloads
   * of unchanged structure (default 16): below, reading every rule costs less than finding those.
   */
  readonly relevanceFrom?: number | undefined;
  readonly stats?: DiffStats | undefined;
}

const RELEVANCE_FROM = 16;

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * When the two snapshots share every object but some AuthorizationPolicies (an edit applied to a
 * snapshot), the namespaces of the policies that differ; undefined otherwise.
 */
function onlyPolicyNamespaces(before: Mesh, after: Mesh): Set<string> | undefined {
  if (!sameItems(before.workloads, after.workloads) || !sameItems(before.services, after.services) || !sameItems(before.gateways, after.gateways)) return undefined;
  if (!sameItems(before.peerAuthentications, after.peerAuthentications) || !sameItems(before.requestAuthentications, after.requestAuthentications)) return undefined;
  if (before.namespaces !== after.namespaces) return undefined;
  const inBefore = new Set(before.authorizationPolicies);
  const inAfter = new Set(after.authorizationPolicies);
  const out = new Set<string>();
  for (const p of before.authorizationPolicies) if (!inAfter.has(p)) out.add(p.namespace);
  for (const p of after.authorizationPolicies) if (!inBefore.has(p)) out.add(p.namespace);
  return out;
}

/** The policies of `mine` whose content `theirs` lacks (counted as multisets). */
function changedPolicies(mine: readonly AuthorizationPolicy[], theirs: readonly AuthorizationPolicy[]): Set<AuthorizationPolicy> {
  const left = new Map<string, number>();
  for (const p of theirs) left.set(policyContent(p), (left.get(policyContent(p)) ?? 0) + 1);
  const out = new Set<AuthorizationPolicy>();
  for (const p of mine) {
    const k = policyContent(p);
    const n = left.get(k) ?? 0;
    if (n > 0) left.set(k, n - 1);
    else out.add(p);
  }
  return out;
}

function ruleIdList(rules: readonly RuleRef[]): number[] {
  return rules.map((r) => r.id).sort((a, b) => a - b);
}

/** The classes of workloads whose decisions may differ between the meshes. */
export function planClasses(before: CompiledMesh, after: CompiledMesh, options: PlanOptions = {}): WorkloadClass[] {
  const stats = options.stats;
  // Rules are compared by content: with another trust domain or aliases, equal rules mean other things.
  const configSame = JSON.stringify(before.mesh.meshConfig) === JSON.stringify(after.mesh.meshConfig);
  const namespaces = configSame ? onlyPolicyNamespaces(before.mesh, after.mesh) : undefined;
  const relevance = new EditRelevance(before, after);
  const ids = new RuleIds();
  const changedB = changedPolicies(before.mesh.authorizationPolicies, after.mesh.authorizationPolicies);
  const changedA = changedPolicies(after.mesh.authorizationPolicies, before.mesh.authorizationPolicies);
  // First every workload the edit may reach (relevance groups are computed together), then the classes.
  const reached: { key: string; tB: ProxyTarget | undefined; tA: ProxyTarget | undefined; structureB: string | null; structureA: string | null; rulesB: RuleRef[]; rulesA: RuleRef[]; sameShape: boolean; ticket?: RelevanceTicket | undefined }[] = [];
  const keys = [...after.workloads.keys(), ...[...before.workloads.keys()].filter((k) => !after.workloads.has(k))];
  for (const key of keys) {
    if (options.only !== undefined && !options.only.has(key)) continue;
    const tB: ProxyTarget | undefined = before.workloads.get(key);
    const tA: ProxyTarget | undefined = after.workloads.get(key);
    const t = (tA ?? tB) as ProxyTarget;
    // Only AuthorizationPolicies changed: workloads outside their namespaces (and the root, and the
    // namespaces of the waypoints in front of them) keep every decision.
    if (namespaces !== undefined && tB !== undefined && tA !== undefined && !namespaces.has(before.rootNamespace) && !namespaces.has(t.namespace) && !waypointNamespaces(after, tA).some((ns) => namespaces.has(ns))) continue;
    const structureB = tB === undefined ? null : targetStructure(before, tB);
    const structureA = tA === undefined ? null : targetStructure(after, tA);
    // Same structure and no deciding policy changed: every decision stays.
    if (configSame && structureB !== null && structureB === structureA && !decidingPolicies(before, tB as ProxyTarget).some((c) => changedB.has(c.policy)) && !decidingPolicies(after, tA as ProxyTarget).some((c) => changedA.has(c.policy))) continue;
    const rulesB = tB === undefined ? [] : decidingRules(before, tB, ids);
    const rulesA = tA === undefined ? [] : decidingRules(after, tA, ids);
    const sameShape = configSame && structureB !== null && structureB === structureA;
    if (sameShape && sameItems(ruleIdList(rulesB), ruleIdList(rulesA))) continue;
    if (stats !== undefined) stats.workloadsCompared++;
    reached.push({ key, tB, tA, structureB, structureA, rulesB, rulesA, sameShape });
  }
  // With the same structure, only the rules the edit can reach matter (edit-relevance.ts).
  if (reached.filter((r) => r.sameShape).length >= (options.relevanceFrom ?? RELEVANCE_FROM)) {
    for (const r of reached) if (r.sameShape) r.ticket = relevance.register(r.tB as ProxyTarget, r.tA as ProxyTarget, r.rulesB, r.rulesA);
  }
  const classes = new Map<string, { problem: ClassProblem; members: { namespace: string; name: string }[] }>();
  for (const { key, tB, tA, structureB, structureA, rulesB, rulesA, ticket } of reached) {
    const kept = ticket === undefined ? { before: rulesB, after: rulesA } : relevance.reachable(ticket);
    if (kept === undefined) {
      if (stats !== undefined) stats.unchangedByMasks++;
      continue;
    }
    if (stats !== undefined) stats.rulesLeftOut += rulesB.length + rulesA.length - kept.before.length - kept.after.length;
    const t = (tA ?? tB) as ProxyTarget;
    const classKey = options.perWorkload === true ? key : JSON.stringify([structureB, structureA, ruleIdList(kept.before), ruleIdList(kept.after)]);
    const member = { namespace: t.namespace, name: t.name };
    const hit = classes.get(classKey);
    if (hit !== undefined) hit.members.push(member);
    else classes.set(classKey, { problem: { before: tB, after: tA, rulesBefore: kept.before, rulesAfter: kept.after }, members: [member] });
  }
  if (stats !== undefined) stats.workloadClasses += classes.size;
  return [...classes.entries()].map(([key, c]) => ({ key, problem: c.problem, members: c.members }));
}
