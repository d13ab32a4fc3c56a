// Which AuthorizationPolicies name a Gerrit group: every `when` condition on the configured groups claim
// (`request.auth.claims[<claim>]`), value by value, with its field path and line. Pure: reads the Mesh.
// Also answers "does this claim value match this group" with Istio's string matching (exact, `*`
// prefix/suffix, lone `*` for presence), so `gic groups show` and the analyzers agree.
import type { GroupClaimMapping } from '../../resources/access-mapping.js';
import type { GerritGroup } from '../../resources/group-directory.js';
import type { AuthorizationPolicy, Mesh } from '../../resources/mesh.js';

export interface GroupReference {
  readonly policy: AuthorizationPolicy;
  readonly ruleIndex: number;
  readonly conditionIndex: number;
  readonly valueIndex: number;
  /** The claim value as written. */
  readonly value: string;
  /** True when the value sits in `notValues`. */
  readonly negated: boolean;
  /** `spec.rules[i].when[j].values[k]` (or `notValues`). */
  readonly field: string;
  readonly line: number;
}

/** The `when` key naming the claim, e.g. `request.auth.claims[groups]`. */
export function claimKey(claim: string): string {
  return `request.auth.claims[${claim}]`;
}

/** Every value of every `when` condition on the groups claim, in policy, rule, condition order. */
export function findGroupReferences(mesh: Mesh, mapping: GroupClaimMapping): readonly GroupReference[] {
  const key = claimKey(mapping.claim);
  const found: GroupReference[] = [];
  for (const policy of mesh.authorizationPolicies) {
    (policy.spec.rules ?? []).forEach((rule, ruleIndex) => {
      (rule.when ?? []).forEach((condition, conditionIndex) => {
        if (condition.key !== key) return;
        for (const [list, negated] of [
          [condition.values, false],
          [condition.notValues, true],
        ] as const) {
          (list ?? []).forEach((value, valueIndex) => {
            const field = `spec.rules[${ruleIndex}].when[${conditionIndex}].${negated ? 'notValues' : 'values'}[${valueIndex}]`;
            found.push({ policy, ruleIndex, conditionIndex, valueIndex, value, negated, field, line: policy.lineOf(field) });
          });
        }
      });
    });
  }
  return found;
}

/** The claim value a group is known by under the mapping. */
export function claimValueOf(group: GerritGroup, mapping: GroupClaimMapping): string {
  return mapping.valueKind === 'uuid' ? group.uuid : group.name;
}

/** True when the value contains Istio wildcard syntax (so it names no single group). */
export function isPattern(value: string): boolean {
  return value.startsWith('*') || value.endsWith('*');
}

/** Istio string matching for `when` values: exact, `*` (presence), `prefix*`, `*suffix`. */
export function claimValueMatches(pattern: string, value: string): boolean {
  if (pattern === '*') return value !== '';
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return pattern === value;
}

/** `namespace/name` of the policies whose groups-claim conditions match the group, sorted, each once. */
export function policiesReferencingGroup(mesh: Mesh, group: GerritGroup, mapping: GroupClaimMapping): readonly string[] {
  const value = claimValueOf(group, mapping);
  const names = new Set<string>();
  for (const ref of findGroupReferences(mesh, mapping)) {
    if (claimValueMatches(ref.value, value)) names.add(`${ref.policy.namespace}/${ref.policy.name}`);
  }
  return [...names].sort();
}
