// Incremental analysis (AnalysisSession) gives exactly what a full run gives on the same documents,
// after every kind of change (policy edits, removals, new workloads and Services, changes that touch
// the root namespace), while recomputing only part of the subjects.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { ALL_ANALYZERS } from '../../src/policy/analyze/all.js';
import { snapshotFromDocuments } from '../../src/policy/analyze/analysis-snapshot.js';
import { AnalysisSession } from '../../src/policy/analyze/analysis-session.js';
import type { Finding } from '../../src/policy/analyze/finding.js';
import { runAnalyzers } from '../../src/policy/analyze/run-analyzers.js';
import { ANALYZE_FIXTURES, fixtureFiles } from './analyze-fixture-files.js';

const sources = fixtureFiles().filter((f) => f !== 'clean-mesh.yaml').map((file) => ({ file, text: readFileSync(join(ANALYZE_FIXTURES, file), 'utf8') }));

function key(f: Finding): string {
  return JSON.stringify([f.code, f.resource, f.field, f.source, f.message, f.witness?.decision ?? null]);
}

function fullRun(session: AnalysisSession): string[] {
  const s = session.current;
  const fresh = snapshotFromDocuments(s.documents, [], s.gerrit);
  return runAnalyzers(fresh, ALL_ANALYZERS).findings.map(key).sort();
}

const EDITS: readonly string[] = [
  // a policy edit: a typo in a namespace
  `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: allow-from-bar, namespace: foo}\nspec:\n  selector: {matchLabels: {app: httpbin}}\n  rules:\n  - from:\n    - source: {namespaces: [barr]}\n`,
  // a new workload matching a policy that matched nothing
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: httpbin-v2, namespace: foo}\nspec:\n  selector: {matchLabels: {app: httpbin-v2}}\n  template:\n    metadata: {labels: {app: httpbin-v2}}\n    spec: {serviceAccountName: httpbin, containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]}\n`,
  // a Service that turns a port into TCP
  `apiVersion: v1\nkind: Service\nmetadata: {name: httpbin, namespace: foo}\nspec: {selector: {app: httpbin}, ports: [{name: tcp-raw, port: 8000, targetPort: 8080}]}\n`,
  // a root-namespace policy: affects every namespace
  `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: allow-all, namespace: istio-system}\nspec:\n  rules:\n  - to:\n    - operation: {methods: [GET]}\n`,
  // a PeerAuthentication that makes a namespace PERMISSIVE
  `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: relaxed, namespace: foo}\nspec: {mtls: {mode: PERMISSIVE}}\n`,
  // an invalid policy
  `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: service-port, namespace: foo}\nspec:\n  action: DENY\n`,
  // a RequestAuthentication on a workload with JWT rules
  `apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata: {name: portal-jwt, namespace: portal}\nspec:\n  selector: {matchLabels: {app: portal}}\n  jwtRules:\n  - {issuer: "https://idp.example.com", jwks: '{"keys":[]}'}\n`,
  // a namespace change (structural: full rebuild)
  `apiVersion: v1\nkind: Namespace\nmetadata: {name: ghost, labels: {istio-injection: enabled}}\n`,
];
const REMOVALS = [
  { kind: 'AuthorizationPolicy', namespace: 'shop', name: 'cart-deny-deletes' },
  { kind: 'Deployment', namespace: 'partial', name: 'covered' },
  { kind: 'PeerAuthentication', namespace: 'foo', name: 'foo-strict' },
];

describe('incremental analysis', () => {
  it('starts equal to a full run', () => {
    const session = AnalysisSession.fromSources(sources, ALL_ANALYZERS);
    expect(session.findings().map(key).sort()).toEqual(fullRun(session));
  });

  it('stays equal to a full run after each edit, recomputing only affected subjects for non-structural ones', () => {
    const session = AnalysisSession.fromSources(sources, ALL_ANALYZERS);
    EDITS.forEach((text, i) => {
      const before = session.findings().map(key).sort();
      const stats = session.upsert({ file: `edit-${i}.yaml`, text });
      expect(session.findings().map(key).sort(), `edit ${i}`).toEqual(fullRun(session));
      // Only the Namespace (the last edit) rebuilds everything; every other edit reuses most results.
      expect(stats.fullRebuild, `edit ${i}`).toBe(i === EDITS.length - 1);
      if (!stats.fullRebuild) expect(stats.reused, `edit ${i}`).toBeGreaterThan(stats.recomputed);
      if (i === 0) expect(session.findings().map(key).sort()).not.toEqual(before);
    });
    for (const ref of REMOVALS) {
      session.remove([ref]);
      expect(session.findings().map(key).sort(), `remove ${ref.name}`).toEqual(fullRun(session));
    }
  });

  it('equals a full run after random sequences of edits and removals', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: EDITS.length - 2 }).map((i) => ({ edit: i })), fc.integer({ min: 0, max: REMOVALS.length - 1 }).map((i) => ({ remove: i }))), { maxLength: 5 }), (ops) => {
        const session = AnalysisSession.fromSources(sources, ALL_ANALYZERS);
        ops.forEach((op, n) => {
          if ('edit' in op) session.upsert({ file: `edit-${n}.yaml`, text: EDITS[op.edit]! });
          else session.remove([REMOVALS[op.remove]!]);
        });
        expect(session.findings().map(key).sort()).toEqual(fullRun(session));
      }),
      { numRuns: 15 },
    );
  });
});
