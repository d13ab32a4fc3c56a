// validateSources: the `gic validate -o json` shape of docs/cli.md, file-level YAML findings, skipping
// of non-Istio kinds, the default namespace, List expansion and summary counts.
import { describe, expect, it } from 'vitest';

import { ValidateReportSchema } from './validate-report.js';
import { validateSources } from './validate-sources.js';

const POLICY = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: deny-get
spec:
  action: DENY
  rules:
  - to:
    - operation:
        methods: ["GET"]
        ports: ["http"]
`;

describe('validateSources', () => {
  it('returns the cli.md shape with sources, default namespace, findings and counts', () => {
    const report = validateSources([{ file: 'p.yaml', text: POLICY }]);
    expect(ValidateReportSchema.parse(report)).toEqual(report);
    expect(report.resources).toHaveLength(1);
    const [r] = report.resources;
    expect(r).toMatchObject({ source: 'p.yaml:1', apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', namespace: 'default', name: 'deny-get' });
    expect(r?.errors.map((e) => [e.rule, e.field, e.line])).toEqual([['authz.operation.bad-port', 'spec.rules[0].to[0].operation.ports[0]', 11]]);
    expect(report.summary).toEqual({ resources: 1, errors: 1, warnings: 0 });
  });

  it('skips other kinds and counts over several files', () => {
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Not_Valid\n';
    const report = validateSources([
      { file: 'a.yaml', text: `${configMap}---\n${POLICY}` },
      { file: 'b.yaml', text: POLICY.replace('ports: ["http"]', 'ports: ["80"]').replace('methods: ["GET"]', 'methods: ["GET"]\n        paths: ["/{**}/x/{*}"]') },
    ]);
    expect(report.resources.map((r) => r.source)).toEqual(['a.yaml:6', 'b.yaml:1']);
    expect(report.summary).toEqual({ resources: 2, errors: 2, warnings: 0 });
  });

  it('reports malformed YAML in an entry for the file and still validates the other documents', () => {
    const report = validateSources([{ file: 'bad.yaml', text: `${POLICY}---\nmetadata:\n  name: a: b\n` }]);
    const fileEntry = report.resources.find((r) => r.kind === '');
    expect(fileEntry?.source).toBe('bad.yaml:14');
    expect(fileEntry?.errors.map((e) => [e.rule, e.line])).toEqual([['yaml.syntax', 14]]);
    expect(report.resources.filter((r) => r.kind === 'AuthorizationPolicy')).toHaveLength(1);
    expect(report.summary.errors).toBe(2);
  });

  it('validates the items of a List with their own lines', () => {
    const list = `apiVersion: v1
kind: List
items:
- apiVersion: security.istio.io/v1
  kind: PeerAuthentication
  metadata: {name: p, namespace: foo}
  spec:
    mtls:
      mode: strict
`;
    const report = validateSources([{ file: 'l.yaml', text: list }]);
    expect(report.resources.map((r) => [r.source, r.kind, r.errors.map((e) => [e.rule, e.line])])).toEqual([['l.yaml:4', 'PeerAuthentication', [['crd.enum', 9]]]]);
  });

  it('reads JSON input', () => {
    const json = JSON.stringify({ apiVersion: 'security.istio.io/v1beta1', kind: 'RequestAuthentication', metadata: { name: 'r', namespace: 'foo' }, spec: { jwtRules: [{ audiences: ['a'] }] } }, null, 2);
    const report = validateSources([{ file: 'r.json', text: json }]);
    expect(report.resources[0]?.errors.map((e) => e.rule)).toEqual(['reqauth.issuer-or-jwks-uri']);
  });

  it('returns an empty report for no input', () => {
    expect(validateSources([])).toEqual({ resources: [], summary: { resources: 0, errors: 0, warnings: 0 } });
  });
});
