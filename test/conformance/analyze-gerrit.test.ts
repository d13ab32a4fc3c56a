// The Gerrit analyses (GIC500-GIC502, written in src/policy/analyze/gerrit) wrapped as the analyzer
// gerrit.GroupMapping: it runs only when the snapshot has a Gerrit source, reports in the common
// finding shape with file and line, and is recomputed by the incremental session on policy edits.
import { describe, expect, it } from 'vitest';

import { ALL_ANALYZERS } from '../../src/policy/analyze/all.js';
import { analyzeSources } from '../../src/policy/analyze/analyze-report.js';
import { AnalysisSession } from '../../src/policy/analyze/analysis-session.js';
import { AccessMappingSchema } from '../../src/policy/resources/access-mapping.js';
import { GroupDirectorySchema } from '../../src/policy/resources/group-directory.js';

const text = `apiVersion: v1
kind: Namespace
metadata: {name: builds, labels: {istio-injection: enabled}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: trigger, namespace: builds}
spec:
  selector: {matchLabels: {app: trigger}}
  template:
    metadata: {labels: {app: trigger}}
    spec: {serviceAccountName: trigger, containers: [{name: t, image: x, ports: [{containerPort: 8080}]}]}
---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: idp, namespace: builds}
spec:
  selector: {matchLabels: {app: trigger}}
  jwtRules: [{issuer: "https://idp.example.com", jwks: '{"keys":[]}'}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: trigger, namespace: builds}
spec:
  selector: {matchLabels: {app: trigger}}
  rules:
  - from:
    - source: {requestPrincipals: ["https://idp.example.com/*"]}
    when:
    - key: request.auth.claims[groups]
      values: [release-managers, ghost-team]
`;
const gerrit = {
  directory: GroupDirectorySchema.parse({ groups: [{ uuid: 'a'.repeat(40), name: 'release-managers', members: [{ username: 'alice' }] }] }),
  mapping: AccessMappingSchema.parse({}),
};

describe('gerrit.GroupMapping', () => {
  it('is skipped without a Gerrit source', () => {
    const report = analyzeSources([{ file: 'builds.yaml', text }]);
    expect(report.skipped.map((s) => s.name)).toContain('gerrit.GroupMapping');
    expect(report.findings.map((f) => f.code)).not.toContain('GIC500');
  });

  it('reports a group Gerrit does not have, with field and line', () => {
    const report = analyzeSources([{ file: 'builds.yaml', text }], { gerrit });
    const ghost = report.findings.filter((f) => f.code === 'GIC500');
    expect(ghost).toHaveLength(1);
    expect(ghost[0]).toMatchObject({ level: 'error', resource: { kind: 'AuthorizationPolicy', namespace: 'builds', name: 'trigger' }, field: 'spec.rules[0].when[0].values[1]' });
    expect(ghost[0]?.source).toBe(`builds.yaml:${text.split('\n').findIndex((l) => l.includes('ghost-team')) + 1}`);
    expect(ghost[0]?.fix).toMatch(/existing Gerrit group/);
  });

  it('is recomputed incrementally when the policy changes', () => {
    const session = AnalysisSession.fromSources([{ file: 'builds.yaml', text }], ALL_ANALYZERS, { gerrit });
    expect(session.findings().filter((f) => f.code === 'GIC500')).toHaveLength(1);
    session.upsert({ file: 'edit.yaml', text: text.split('---\n')[3]!.replace(', ghost-team', '') });
    expect(session.findings().filter((f) => f.code === 'GIC500')).toHaveLength(0);
  });
});
