// The reduced diff is exact: for edits confined to a few namespaces, diffing the reduced meshes gives
// the same changes as diffing the full meshes (on the demo mesh, whose ambient namespaces, waypoint,
// gateways and root policies make the reduction non-trivial).
import { describe, expect, it } from 'vitest';

import { copilotDeps } from '../../test/support/copilot-fixture.js';
import { diffMeshes } from '../policy/diff/access-diff.js';
import type { AuthorizationPolicySpec } from '../policy/resources/authorization-policy.js';
import type { Mesh } from '../policy/resources/mesh.js';
import { confinedNamespaces, reducedMesh } from './reduced-mesh.js';

const edits: { name: string; edit: (s: AuthorizationPolicySpec) => AuthorizationPolicySpec }[] = [
  { name: 'drop every rule', edit: (s) => ({ ...s, rules: [] }) },
  { name: 'allow everything', edit: (s) => ({ ...s, rules: [{}] }) },
  { name: 'add a method', edit: (s) => ({ ...s, rules: [...(s.rules ?? []), { to: [{ operation: { methods: ['DELETE'] } }] }] }) },
  { name: 'flip to DENY', edit: (s) => ({ ...s, action: 'DENY' }) },
];

describe('reduced mesh diff', () => {
  it('equals the full diff for every confined policy edit of the demo mesh', async () => {
    const mesh = (await copilotDeps()).mesh?.snapshot().mesh as Mesh;
    let confinedCount = 0;
    for (const [i, p] of mesh.authorizationPolicies.entries()) {
      const namespaces = confinedNamespaces(mesh, [`AuthorizationPolicy/${p.namespace}/${p.name}`]);
      if (namespaces === undefined) continue;
      confinedCount++;
      for (const { name, edit } of edits) {
        const policies = [...mesh.authorizationPolicies];
        policies[i] = { ...p, spec: edit(p.spec), lineOf: p.lineOf };
        const after: Mesh = { ...mesh, authorizationPolicies: policies };
        const full = diffMeshes(mesh, after);
        const reduced = diffMeshes(reducedMesh(mesh, namespaces), reducedMesh(after, namespaces));
        expect(reduced, `${name} on ${p.namespace}/${p.name}`).toEqual(full);
      }
    }
    expect(confinedCount).toBeGreaterThan(5);
  });

  it('is not used for the root namespace, a waypoint namespace or non-security objects', async () => {
    const mesh = (await copilotDeps()).mesh?.snapshot().mesh as Mesh;
    expect(confinedNamespaces(mesh, ['AuthorizationPolicy/istio-system/x'])).toBeUndefined();
    const waypointNs = mesh.workloads.find((w) => w.isWaypoint)?.namespace ?? '';
    expect(waypointNs).not.toBe('');
    expect(confinedNamespaces(mesh, [`AuthorizationPolicy/${waypointNs}/x`])).toBeUndefined();
    expect(confinedNamespaces(mesh, ['Deployment/builds/x'])).toBeUndefined();
    expect(confinedNamespaces(mesh, ['AuthorizationPolicy/builds/x', 'PeerAuthentication/ci/y'])).toEqual(new Set(['builds', 'ci']));
  });
});
