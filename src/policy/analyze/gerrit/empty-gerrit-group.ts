// GIC501 (warning): a policy grants access to a Gerrit group that has no members, counting members of
// nested subgroups (cycle-safe). "Grants" means the group's value in an ALLOW rule's `values`, or in a
// DENY rule's `notValues` (the group is exempted from the deny). Pure: Mesh + directory.
import type { GroupClaimMapping } from '../../resources/access-mapping.js';
import { indexGroupDirectory, type GroupDirectory } from '../../resources/group-directory.js';
import type { Mesh } from '../../resources/mesh.js';
import type { GerritFinding } from './gerrit-finding.js';
import { findGroupReferences, isPattern } from './group-references.js';

export function analyzeEmptyGerritGroups(mesh: Mesh, directory: GroupDirectory, mapping: GroupClaimMapping): GerritFinding[] {
  const index = indexGroupDirectory(directory);
  const findings: GerritFinding[] = [];
  for (const ref of findGroupReferences(mesh, mapping)) {
    const action = ref.policy.spec.action ?? 'ALLOW';
    const grants = (action === 'ALLOW' && !ref.negated) || (action === 'DENY' && ref.negated);
    if (!grants || isPattern(ref.value)) continue;
    const group = mapping.valueKind === 'uuid' ? index.byUuid(ref.value) : index.byName(ref.value);
    if (group === undefined || index.membersOf(group.uuid).length > 0) continue;
    const nested = index.closureOf(group.uuid).length > 1 ? ', not even through its subgroups' : '';
    findings.push({
      code: 'GIC501',
      level: 'warning',
      resource: { kind: ref.policy.kind, namespace: ref.policy.namespace, name: ref.policy.name },
      field: ref.field,
      source: `${ref.policy.source.file}:${ref.line}`,
      message: `${action} rule ${ref.ruleIndex} grants access to Gerrit group "${group.name}" (${group.uuid}), which has no members${nested}`,
      refs: [],
    });
  }
  return findings;
}
