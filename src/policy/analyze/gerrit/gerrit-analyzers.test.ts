// GIC500-GIC502 over small fixture meshes and a group directory: each case names the finding it
// expects, and the passing resources next to them must produce none.
import { describe, expect, it } from 'vitest';

import { parseMesh } from '../../parse/parse-mesh.js';
import { AccessMappingSchema, DEFAULT_GROUP_CLAIM_MAPPING } from '../../resources/access-mapping.js';
import type { GroupDirectory } from '../../resources/group-directory.js';
import { analyzeEmptyGerritGroups } from './empty-gerrit-group.js';
import { analyzeGroupRoleDrift } from './group-role-drift.js';
import { findGroupReferences, policiesReferencingGroup } from './group-references.js';
import { analyzeUnknownGerritGroups } from './unknown-gerrit-group.js';

const U = (n: number): string => n.toString(16).padStart(40, 'a');

const directory: GroupDirectory = {
  groups: [
    { uuid: U(1), name: 'release-managers', members: [{ id: 1, username: 'carol' }], includes: [U(2)] },
    { uuid: U(2), name: 'release-captains', members: [], includes: [U(1)] },
    { uuid: U(3), name: 'ci-admins', members: [], includes: [U(4)] },
    { uuid: U(4), name: 'build-cops', members: [{ id: 2, username: 'grace' }], includes: [] },
    { uuid: U(5), name: 'oncall-sre', members: [], includes: [] },
    { uuid: U(6), name: 'hollow', members: [], includes: [U(5)] },
  ],
  projects: [],
};

const WORKLOADS = `
apiVersion: v1
kind: Namespace
metadata: {name: builds, labels: {istio-injection: enabled}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: build-trigger, namespace: builds}
spec:
  template:
    metadata: {labels: {app: build-trigger}}
    spec:
      serviceAccountName: build-trigger
      containers: [{name: app, image: x, ports: [{containerPort: 8080}]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: artifact-store, namespace: builds}
spec:
  template:
    metadata: {labels: {app: artifact-store}}
    spec:
      serviceAccountName: artifact-store
      containers: [{name: app, image: x, ports: [{containerPort: 8080}]}]
---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: jwt, namespace: builds}
spec:
  jwtRules: [{issuer: https://idp.example.com}]
`;

const POLICIES = `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: trigger, namespace: builds}
spec:
  selector: {matchLabels: {app: build-trigger}}
  action: ALLOW
  rules:
    - to: [{operation: {methods: [POST], paths: [/api/builds]}}]
      when:
        - key: request.auth.claims[groups]
          values: [release-managers, ci-admins, ghost-team, "team-*"]
    - to: [{operation: {methods: [GET]}}]
      when:
        - key: request.auth.claims[groups]
          values: [oncall-sre, hollow]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-uploads, namespace: builds}
spec:
  selector: {matchLabels: {app: artifact-store}}
  action: DENY
  rules:
    - to: [{operation: {methods: [PUT]}}]
      when:
        - key: request.auth.claims[groups]
          notValues: [release-managers, oncall-sre, Registered Users]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: other-claim, namespace: builds}
spec:
  selector: {matchLabels: {app: artifact-store}}
  action: ALLOW
  rules:
    - when:
        - key: request.auth.claims[roles]
          values: [nobody-group]
`;

const { mesh, findings: meshFindings } = parseMesh([
  { file: 'workloads.yaml', text: WORKLOADS },
  { file: 'policies.yaml', text: POLICIES },
]);

describe('Gerrit group references', () => {
  it('finds every value of conditions on the configured claim only, with field paths and lines', () => {
    expect(meshFindings.filter((f) => (f as { level?: string }).level === 'error')).toEqual([]);
    const refs = findGroupReferences(mesh, DEFAULT_GROUP_CLAIM_MAPPING);
    expect(refs.map((r) => `${r.policy.name} ${r.field} ${r.value}`)).toEqual([
      'trigger spec.rules[0].when[0].values[0] release-managers',
      'trigger spec.rules[0].when[0].values[1] ci-admins',
      'trigger spec.rules[0].when[0].values[2] ghost-team',
      'trigger spec.rules[0].when[0].values[3] team-*',
      'trigger spec.rules[1].when[0].values[0] oncall-sre',
      'trigger spec.rules[1].when[0].values[1] hollow',
      'deny-uploads spec.rules[0].when[0].notValues[0] release-managers',
      'deny-uploads spec.rules[0].when[0].notValues[1] oncall-sre',
      'deny-uploads spec.rules[0].when[0].notValues[2] Registered Users',
    ]);
    expect(refs[2]?.line).toBe(12);
    expect(findGroupReferences(mesh, { claim: 'roles', valueKind: 'name' }).map((r) => r.value)).toEqual(['nobody-group']);
  });

  it('lists the policies naming a group, wildcards included', () => {
    const group = directory.groups[0];
    if (group === undefined) throw new Error('fixture');
    expect(policiesReferencingGroup(mesh, group, DEFAULT_GROUP_CLAIM_MAPPING)).toEqual(['builds/deny-uploads', 'builds/trigger']);
    expect(policiesReferencingGroup(mesh, { uuid: U(9), name: 'team-blue', members: [], includes: [] }, DEFAULT_GROUP_CLAIM_MAPPING)).toEqual(['builds/trigger']);
  });
});

describe('GIC500 unknown Gerrit group', () => {
  it('reports a group name that Gerrit does not have; skips wildcards and system groups', () => {
    const findings = analyzeUnknownGerritGroups(mesh, directory, DEFAULT_GROUP_CLAIM_MAPPING);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      code: 'GIC500',
      level: 'error',
      resource: { kind: 'AuthorizationPolicy', namespace: 'builds', name: 'trigger' },
      field: 'spec.rules[0].when[0].values[2]',
      source: 'policies.yaml:12',
      refs: [],
    });
    expect(findings[0]?.message).toContain('"ghost-team"');
  });

  it('with a UUID-valued claim, names are unknown values, and the message says why', () => {
    const findings = analyzeUnknownGerritGroups(mesh, directory, { claim: 'groups', valueKind: 'uuid' });
    expect(findings.map((f) => f.field)).toContain('spec.rules[0].when[0].values[0]');
    expect(findings.find((f) => f.field === 'spec.rules[0].when[0].values[0]')?.message).toContain('holds group UUIDs');
  });
});

describe('GIC501 empty Gerrit group', () => {
  it('reports grants to groups with no members even through subgroups; ALLOW values and DENY notValues only', () => {
    const findings = analyzeEmptyGerritGroups(mesh, directory, DEFAULT_GROUP_CLAIM_MAPPING);
    expect(findings.map((f) => `${f.resource.name} ${f.field}`)).toEqual([
      'trigger spec.rules[1].when[0].values[0]',
      'trigger spec.rules[1].when[0].values[1]',
      'deny-uploads spec.rules[0].when[0].notValues[1]',
    ]);
    expect(findings.every((f) => f.code === 'GIC501' && f.level === 'warning')).toBe(true);
    expect(findings[1]?.message).toContain('not even through its subgroups');
    // ci-admins has no direct members but gets them from build-cops: not reported.
    expect(findings.some((f) => f.message.includes('"ci-admins"'))).toBe(false);
  });
});

describe('GIC502 role drift', () => {
  it('is silent without roles', () => {
    expect(analyzeGroupRoleDrift(mesh, directory, AccessMappingSchema.parse({}))).toEqual([]);
  });

  it('reports a role grant the mesh denies, and mesh access no role grants', () => {
    const mapping = AccessMappingSchema.parse({
      roles: [
        {
          name: 'release',
          groups: ['release-managers'],
          grants: [
            { namespace: 'builds', workload: 'build-trigger', port: 8080, methods: ['POST'], paths: ['/api/builds'] },
            { namespace: 'builds', workload: 'build-trigger', port: 8080, methods: ['DELETE'], paths: ['/api/builds/*'] },
          ],
        },
        { name: 'ci', groups: [U(3)], grants: [{ namespace: 'builds', workload: 'build-trigger', port: 8080, methods: ['POST'], paths: ['/api/builds'] }] },
      ],
    });
    const findings = analyzeGroupRoleDrift(mesh, directory, mapping);
    const messages = findings.map((f) => f.message);
    // release-managers may POST /api/builds (the mesh agrees) but not DELETE (the mesh denies: drift).
    expect(messages.filter((m) => m.startsWith('role "release"'))).toEqual([
      'role "release" grants Gerrit group "release-managers" DELETE /api/builds/* on builds/build-trigger, but the mesh answers DENY for DELETE /api/builds/x (decided by builds/trigger)',
    ]);
    expect(messages.some((m) => m.startsWith('role "ci"'))).toBe(false);
    // oncall-sre and hollow are granted GET on build-trigger by the mesh without any role.
    const unmapped = findings.filter((f) => f.message.startsWith('the mesh grants'));
    expect(unmapped.map((f) => f.field)).toEqual(['spec.rules[1].when[0].values[0]', 'spec.rules[1].when[0].values[1]']);
    expect(unmapped[0]?.message).toContain('no role of the mapping binds the group');
    expect(findings.every((f) => f.code === 'GIC502' && f.level === 'warning')).toBe(true);
  });
});
