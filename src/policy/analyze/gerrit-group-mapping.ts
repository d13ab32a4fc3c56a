// gerrit.GroupMapping (GIC500, GIC501, GIC502): wraps the Gerrit engineer's pure analyses
// (analyze/gerrit/: unknown groups, empty groups, role drift) as one analyzer over the whole mesh. It
// runs only when the snapshot has a Gerrit source (input GerritGroups).
import { defineAnalyzer } from './analyzer.js';
import { analyzeEmptyGerritGroups } from './gerrit/empty-gerrit-group.js';
import { analyzeGroupRoleDrift } from './gerrit/group-role-drift.js';
import { analyzeUnknownGerritGroups } from './gerrit/unknown-gerrit-group.js';

const FIXES = {
  GIC500: 'use the name (or UUID, as the groups claim holds) of an existing Gerrit group, or create the group',
  GIC501: 'add members to the group, or remove it from the policy',
  GIC502: 'change the policy (gic propose) or the role mapping so that both grant the same access',
} as const;

export const gerritGroupMapping = defineAnalyzer({
  metadata: {
    name: 'gerrit.GroupMapping',
    description: 'Gerrit groups in policies that do not exist or have no members, and drift from the role mapping',
    inputs: ['AuthorizationPolicy', 'GerritGroups'],
    codes: ['GIC500', 'GIC501', 'GIC502'],
    subject: 'Mesh',
  },
  analyze(ctx) {
    const gerrit = ctx.gerrit();
    if (gerrit === undefined) return;
    const mesh = ctx.wholeMesh();
    const findings = [
      ...analyzeUnknownGerritGroups(mesh, gerrit.directory, gerrit.mapping.claim),
      ...analyzeEmptyGerritGroups(mesh, gerrit.directory, gerrit.mapping.claim),
      ...analyzeGroupRoleDrift(mesh, gerrit.directory, gerrit.mapping),
    ];
    for (const f of findings) ctx.reportBuilt(f, FIXES[f.code]);
  },
});
