// GIC502 (warning): drift between the role mapping (Gerrit groups -> roles -> allowed operations on
// workloads) and what the mesh grants. Both ways:
//  - a grant of a role that the mesh does not allow for the group: a witness request (the role caller's
//    principal, a token whose groups claim holds only that group, the grant's method and path) is
//    evaluated with the engine and does not come out ALLOW;
//  - an ALLOW rule that names the group in its claim `values` on a workload none of the group's roles
//    grants anything on.
// Pure: Mesh + directory + mapping; no findings when the mapping defines no roles.
import { compileMesh } from '../../evaluate/compile-mesh.js';
import { evaluateRequest } from '../../evaluate/evaluate-request.js';
import type { AccessRequest } from '../../evaluate/access-request.js';
import type { AccessMapping, RoleGrant } from '../../resources/access-mapping.js';
import { indexGroupDirectory, type GerritGroup, type GroupDirectory } from '../../resources/group-directory.js';
import type { AuthorizationPolicy, Mesh, Workload } from '../../resources/mesh.js';
import type { GerritFinding } from './gerrit-finding.js';
import { claimValueMatches, claimValueOf, findGroupReferences, isPattern } from './group-references.js';

interface BoundGrant {
  readonly role: string;
  readonly grant: RoleGrant;
}

export function analyzeGroupRoleDrift(mesh: Mesh, directory: GroupDirectory, mapping: AccessMapping): GerritFinding[] {
  if (mapping.roles.length === 0) return [];
  const index = indexGroupDirectory(directory);
  const findings: GerritFinding[] = [];

  // Group UUID -> the grants of every role it is bound to.
  const grantsByGroup = new Map<string, { group: GerritGroup; grants: BoundGrant[] }>();
  for (const role of mapping.roles) {
    for (const name of role.groups) {
      const group = index.find(name);
      if (group === undefined) continue; // an unknown group in the mapping: nothing the mesh can be compared with
      const entry = grantsByGroup.get(group.uuid) ?? { group, grants: [] };
      for (const grant of role.grants) entry.grants.push({ role: role.name, grant });
      grantsByGroup.set(group.uuid, entry);
    }
  }

  // 1. Mapping grants what the mesh denies.
  const compiled = compileMesh(mesh);
  for (const { group, grants } of grantsByGroup.values()) {
    const value = claimValueOf(group, mapping.claim);
    for (const { role, grant } of grants) {
      const workload = mesh.workloads.find((w) => w.namespace === grant.namespace && w.name === grant.workload);
      if (workload === undefined) continue;
      for (const method of grant.methods) {
        for (const pattern of grant.paths) {
          const path = witnessPath(pattern);
          const request: AccessRequest = {
            to: { namespace: grant.namespace, workload: grant.workload, ...(grant.port === undefined ? {} : { port: grant.port }) },
            ...(mapping.caller.principal === undefined ? {} : { from: { principal: mapping.caller.principal } }),
            method,
            path,
            jwt: { iss: mapping.caller.issuer, sub: mapping.caller.subject, claims: { [mapping.claim.claim]: [value] } },
          };
          const decision = evaluateRequest(compiled, request, { trace: false });
          if (decision.decision === 'ALLOW') continue;
          const decider = decision.reasons.map((r) => r.policy).find((p) => /^[^/\s]+\/[^/\s]+$/.test(p));
          const policy = decider === undefined ? undefined : mesh.authorizationPolicies.find((p) => `${p.namespace}/${p.name}` === decider);
          findings.push({
            code: 'GIC502',
            level: 'warning',
            resource:
              policy !== undefined
                ? { kind: policy.kind, namespace: policy.namespace, name: policy.name }
                : { kind: workload.kind, namespace: workload.namespace, name: workload.name },
            field: policy !== undefined ? 'spec.rules' : 'metadata.name',
            source: policy !== undefined ? `${policy.source.file}:${policy.lineOf('spec.rules')}` : `${workload.source.file}:${workload.source.line}`,
            message: `role "${role}" grants Gerrit group "${group.name}" ${method} ${pattern} on ${grant.namespace}/${grant.workload}, but the mesh answers ${decision.decision} for ${method} ${path}${policy === undefined ? '' : ` (decided by ${decider ?? ''})`}`,
            refs: [],
          });
        }
      }
    }
  }

  // 2. The mesh grants a group access on workloads none of its roles mentions.
  for (const ref of findGroupReferences(mesh, mapping.claim)) {
    if (ref.negated || (ref.policy.spec.action ?? 'ALLOW') !== 'ALLOW' || isPattern(ref.value)) continue;
    if ((ref.policy.spec.targetRefs?.length ?? 0) > 0 || ref.policy.spec.targetRef !== undefined) continue;
    const group = [...index.directory.groups].find((g) => claimValueMatches(ref.value, claimValueOf(g, mapping.claim)));
    if (group === undefined) continue; // GIC500 reports it
    const targets = workloadsOf(ref.policy, mesh);
    const granted = grantsByGroup.get(group.uuid)?.grants ?? [];
    const unmapped = targets.filter((w) => !granted.some(({ grant }) => grant.namespace === w.namespace && grant.workload === w.name));
    if (unmapped.length === 0) continue;
    findings.push({
      code: 'GIC502',
      level: 'warning',
      resource: { kind: ref.policy.kind, namespace: ref.policy.namespace, name: ref.policy.name },
      field: ref.field,
      source: `${ref.policy.source.file}:${ref.line}`,
      message: `the mesh grants Gerrit group "${group.name}" access to ${unmapped.map((w) => `${w.namespace}/${w.name}`).join(', ')} (rule ${ref.ruleIndex}), but ${granted.length === 0 ? 'no role of the mapping binds the group' : 'none of its roles grants anything there'}`,
      refs: [],
    });
  }
  return findings;
}

/** A concrete path inside a grant's path pattern (`/api/builds/*` -> `/api/builds/x`). */
function witnessPath(pattern: string): string {
  return pattern.replace(/\{\*\*?\}/g, 'x').replace(/\*+$/, 'x').replace(/\*/g, 'x');
}

/** Workloads a selector-based policy applies to (its namespace, or every namespace from the root one). */
function workloadsOf(policy: AuthorizationPolicy, mesh: Mesh): Workload[] {
  const root = mesh.meshConfig.rootNamespace ?? 'istio-system';
  const selector = policy.spec.selector?.matchLabels;
  return mesh.workloads.filter(
    (w) =>
      (policy.namespace === root || w.namespace === policy.namespace) &&
      (selector === undefined || Object.entries(selector).every(([k, v]) => w.labels[k] === v)),
  );
}
