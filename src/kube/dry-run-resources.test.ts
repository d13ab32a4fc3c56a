// The offline dry-run (no cluster): gic's validation plus the simulated apply to a mesh snapshot.
import { describe, expect, it } from 'vitest';

import { DryRunReportSchema } from './dry-run-result.js';
import { dryRunSources } from './dry-run-resources.js';
import { snapshotFromTexts } from './file-mesh-source.js';

const mesh = snapshotFromTexts(
  [
    {
      file: 'mesh.yaml',
      text: `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: web, namespace: shop}
spec: {selector: {matchLabels: {app: web}}, action: ALLOW, rules: [{from: [{source: {namespaces: [shop]}}]}]}
`,
    },
  ],
  1,
);

const policy = (name: string, namespace: string, spec: string) => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: ${name}, namespace: ${namespace}}
spec: ${spec}
`;

describe('dryRunSources offline', () => {
  it('accepts a valid proposal and says when it replaces an object of the snapshot', async () => {
    const text = `${policy('new', 'shop', '{action: ALLOW, rules: [{}]}')}---\n${policy('web', 'shop', '{action: ALLOW, rules: [{}]}')}`;
    const report = DryRunReportSchema.parse(await dryRunSources([{ file: 'p.yaml', text }], { snapshot: mesh }));
    expect(report.results.map((r) => [r.name, r.accepted, r.mode, r.source])).toEqual([
      ['new', true, 'offline', 'p.yaml:1'],
      ['web', true, 'offline', 'p.yaml:6'],
    ]);
    expect(report.results[0]?.warnings).toEqual([]);
    expect(report.results[1]?.warnings[0]?.message).toMatch(/replaces the existing AuthorizationPolicy shop\/web/);
  });

  it('rejects with the field named, and a namespace the snapshot lacks', async () => {
    const text = `${policy('bad', 'shop', '{action: PERMIT}')}---\n${policy('lost', 'nowhere', '{action: ALLOW, rules: [{}]}')}`;
    const report = await dryRunSources([{ file: 'p.yaml', text }], { snapshot: mesh });
    expect(report.results[0]).toMatchObject({ name: 'bad', accepted: false });
    expect(report.results[0]?.errors.map((e) => e.field)).toContain('spec.action');
    expect(report.results[1]).toMatchObject({ name: 'lost', accepted: false, errors: [{ field: 'metadata.namespace' }] });
  });

  it('without a snapshot runs gic validation only; skips other kinds; unreadable YAML is one rejected result', async () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n${policy('lost', 'nowhere', '{action: ALLOW, rules: [{}]}')}`;
    const report = await dryRunSources([{ file: 'a.yaml', text }, { file: 'b.yaml', text: 'key: [unclosed\n' }]);
    expect(report.results.map((r) => [r.source.split(':')[0], r.kind, r.accepted])).toEqual([
      ['a.yaml', 'AuthorizationPolicy', true],
      ['b.yaml', '', false],
    ]);
  });
});
