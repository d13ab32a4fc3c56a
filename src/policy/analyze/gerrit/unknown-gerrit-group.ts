// GIC500 (error): a policy matches a Gerrit group, through the groups claim, that does not exist in
// Gerrit. Values with Istio wildcards name no single group and are skipped. Pure: Mesh + directory.
import type { GroupClaimMapping } from '../../resources/access-mapping.js';
import { indexGroupDirectory, type GroupDirectory } from '../../resources/group-directory.js';
import type { Mesh } from '../../resources/mesh.js';
import type { GerritFinding } from './gerrit-finding.js';
import { findGroupReferences, isPattern } from './group-references.js';

/** System groups exist in every Gerrit without being stored (access-control.txt). */
const SYSTEM_GROUPS: Readonly<Record<string, string>> = {
  'global:Anonymous-Users': 'Anonymous Users',
  'global:Registered-Users': 'Registered Users',
  'global:Project-Owners': 'Project Owners',
  'global:Change-Owner': 'Change Owner',
};

export function analyzeUnknownGerritGroups(mesh: Mesh, directory: GroupDirectory, mapping: GroupClaimMapping): GerritFinding[] {
  const index = indexGroupDirectory(directory);
  const systemValues = new Set(mapping.valueKind === 'uuid' ? Object.keys(SYSTEM_GROUPS) : Object.values(SYSTEM_GROUPS));
  const findings: GerritFinding[] = [];
  for (const ref of findGroupReferences(mesh, mapping)) {
    if (isPattern(ref.value) || systemValues.has(ref.value)) continue;
    const group = mapping.valueKind === 'uuid' ? index.byUuid(ref.value) : index.byName(ref.value);
    if (group !== undefined) continue;
    const other = mapping.valueKind === 'uuid' ? index.byName(ref.value) : index.byUuid(ref.value);
    const hint =
      other === undefined
        ? ''
        : ` (a group with that ${mapping.valueKind === 'uuid' ? 'name' : 'UUID'} exists, but the ${mapping.claim} claim holds group ${mapping.valueKind === 'uuid' ? 'UUIDs' : 'names'})`;
    findings.push({
      code: 'GIC500',
      level: 'error',
      resource: { kind: ref.policy.kind, namespace: ref.policy.namespace, name: ref.policy.name },
      field: ref.field,
      source: `${ref.policy.source.file}:${ref.line}`,
      message: `${ref.negated ? 'notValues' : 'values'} names Gerrit group "${ref.value}" in claim "${mapping.claim}", but no Gerrit group has that ${mapping.valueKind}${hint}`,
      refs: [],
    });
  }
  return findings;
}
