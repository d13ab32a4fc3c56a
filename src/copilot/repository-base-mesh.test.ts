import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { snapshotFromTexts } from '../kube/file-mesh-source.js';
import { repositoryBaseMesh } from './repository-base-mesh.js';

const DEMO = join(import.meta.dirname, '..', '..', 'examples', 'demo-mesh');
const demo = readdirSync(DEMO).filter((f) => f.endsWith('.yaml')).sort().map((f) => ({ file: f, text: readFileSync(join(DEMO, f), 'utf8') }));
const ONLY_POLICY = 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: only\n  namespace: builds\nspec:\n  action: DENY\n  rules:\n    - to:\n        - operation:\n            methods: ["DELETE"]\n';

describe('repositoryBaseMesh', () => {
  it("takes the security resources from the branch and everything else from the configured mesh", () => {
    const configured = snapshotFromTexts(demo, 1);
    const base = repositoryBaseMesh([{ file: 'policies/only.yaml', text: ONLY_POLICY }], configured);
    expect(base.mesh.authorizationPolicies.map((p) => `${p.namespace}/${p.name}`)).toEqual(['builds/only']);
    expect(base.mesh.peerAuthentications).toEqual([]);
    expect(base.mesh.workloads.length).toBe(configured.mesh.workloads.length);
    expect(base.mesh.workloads.length).toBeGreaterThan(0);
    expect(base.inputErrors).toEqual([]);
  });

  it('without a configured mesh the branch alone is the base; a bad branch file is an input error', () => {
    const base = repositoryBaseMesh([{ file: 'policies/only.yaml', text: ONLY_POLICY }, { file: 'policies/bad.yaml', text: 'kind: [unclosed' }]);
    expect(base.mesh.workloads).toEqual([]);
    expect(base.mesh.authorizationPolicies).toHaveLength(1);
    expect(base.inputErrors.some((e) => JSON.stringify(e).includes('policies/bad.yaml'))).toBe(true);
  });
});
