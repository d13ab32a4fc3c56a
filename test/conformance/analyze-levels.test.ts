// The level of a finding matches the harm its witness proves (docs/analyzers.md): GIC107 is an error
// only when the callers a rule names connect without mTLS or a not*-only ALLOW lets plaintext in, a
// warning when a DENY can be slipped past or a gateway denies outside clients, info when an ALLOW rule
// denies plaintext callers it does not name; GIC108 is an error when a TCP connection is denied because
// of dropped fields and a warning when it is only handed to an ext-authz provider. Every such finding
// carries the witness that proves it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { analyzeSources } from '../../src/policy/analyze/analyze-report.js';
import { ANALYZE_FIXTURES } from './analyze-fixture-files.js';

const protocols = readFileSync(join(ANALYZE_FIXTURES, 'authz-protocols.yaml'), 'utf8');

function levels(text: string, code: string): Record<string, string> {
  const report = analyzeSources([{ file: 'mesh.yaml', text }]);
  const out: Record<string, string> = {};
  for (const f of report.findings.filter((x) => x.code === code)) {
    expect(f.witness, `${code} ${f.resource?.name}`).toBeDefined();
    out[f.resource?.name ?? ''] = `${f.level} ${f.witness?.decision}`;
  }
  return out;
}

describe('finding levels match the harm the witness proves', () => {
  it('GIC107', () => {
    expect(levels(protocols, 'GIC107')).toEqual({
      'web-from-client': 'info DENY',
      'api-deny-client': 'warning ALLOW',
      'shared-not-client': 'error ALLOW',
      'reports-from-legacy': 'error DENY',
      'shared-deny-batch': 'error ALLOW',
      'metrics-from-client': 'error DENY',
      'ingress-from-client': 'warning DENY',
    });
  });

  it('GIC108', () => {
    expect(levels(protocols, 'GIC108')).toEqual({
      'db-readers': 'error DENY',
      'cache-no-delete': 'error DENY',
      'queue-no-delete': 'error DENY',
      'search-both-ports': 'error DENY',
      'search-not-delete': 'error DENY',
    });
  });

  it('GIC108 on a CUSTOM rule: a warning when the TCP connection only goes to the ext-authz provider, an error when a bad provider denies it', () => {
    const mesh = (provider: string): string => `apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |-
    extensionProviders:
    - name: opa
      envoyExtAuthzGrpc: {service: opa.istio-system.svc.cluster.local, port: 9191}
---
apiVersion: v1
kind: Namespace
metadata: {name: data, labels: {istio-injection: enabled}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: data}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {serviceAccountName: db, containers: [{name: db, image: example/db, ports: [{containerPort: 5432}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: data}
spec: {selector: {app: db}, ports: [{name: tcp-postgres, port: 5432, targetPort: 5432}]}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: db-ext-authz, namespace: data}
spec:
  selector: {matchLabels: {app: db}}
  action: CUSTOM
  provider: {name: ${provider}}
  rules:
  - to:
    - operation: {paths: ["/admin/*"]}
`;
    expect(levels(mesh('opa'), 'GIC108')).toEqual({ 'db-ext-authz': 'warning CONDITIONAL' });
    expect(levels(mesh('missing'), 'GIC108')).toEqual({ 'db-ext-authz': 'error DENY' });
  });
});
