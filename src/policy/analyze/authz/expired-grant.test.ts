// GIC125: the clock is an input of the analysis. Without one only malformed expiries are reported; a
// session judges expiry again when its clock moves, recomputing only the subjects that read it.
import { describe, expect, it } from 'vitest';

import { parseExpires } from '../../resources/expires-annotation.js';
import { ALL_ANALYZERS } from '../all.js';
import { AnalysisSession } from '../analysis-session.js';
import { analyzeSources } from '../analyze-report.js';

const MESH = `apiVersion: v1
kind: Namespace
metadata: {name: grants, labels: {istio-injection: enabled}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: reports, namespace: grants}
spec:
  selector: {matchLabels: {app: reports}}
  template:
    metadata: {labels: {app: reports}}
    spec: {serviceAccountName: reports, containers: [{name: reports, image: example/reports, ports: [{containerPort: 8080}]}]}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: temporary, namespace: grants, annotations: {policy.gic/expires: "2026-03-01T12:00:00+01:00"}}
spec:
  selector: {matchLabels: {app: reports}}
  rules:
  - from:
    - source: {principals: [cluster.local/ns/grants/sa/auditor]}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: typo, namespace: grants, annotations: {policy.gic/expires: "2026-03-01"}}
spec:
  selector: {matchLabels: {app: reports}}
  rules:
  - from:
    - source: {principals: [cluster.local/ns/grants/sa/reader]}
`;

const expired = (now?: Date): string[] =>
  analyzeSources([{ file: 'mesh.yaml', text: MESH }], now === undefined ? {} : { now })
    .findings.filter((f) => f.code === 'GIC125')
    .map((f) => f.resource?.name ?? '');

describe('expired time-bound grants (GIC125)', () => {
  it('reads the expiry as the intent schema writes it: RFC 3339 with seconds and an offset', () => {
    expect(parseExpires('2026-03-01T12:00:00+01:00')).toBe(Date.UTC(2026, 2, 1, 11));
    expect(parseExpires('2026-03-01T11:00:00.250Z')).toBe(Date.UTC(2026, 2, 1, 11, 0, 0, 250));
    for (const bad of ['2026-03-01', '2026-03-01T11:00Z', '2026-03-01 11:00:00Z', '2026-02-30T00:00:00Z', '2026-03-01T11:00:00', '', 'friday']) expect(parseExpires(bad), bad).toBeUndefined();
  });

  it('without a clock reports only the malformed expiry', () => {
    expect(expired()).toEqual(['typo']);
  });

  it('reports a grant once the clock passes its expiry, to the second', () => {
    expect(expired(new Date('2026-03-01T10:59:59Z'))).toEqual(['typo']);
    expect(expired(new Date('2026-03-01T11:00:00Z')).sort()).toEqual(['temporary', 'typo']);
  });

  it('carries a witness the expired grant still allows', () => {
    const f = analyzeSources([{ file: 'mesh.yaml', text: MESH }], { now: new Date('2027-01-01T00:00:00Z') }).findings.find((x) => x.resource?.name === 'temporary');
    expect(f?.message).toContain('expired 305 days before the analysis time 2027-01-01T00:00:00.000Z');
    expect(f?.witness).toMatchObject({ decision: 'ALLOW', request: { from: { principal: 'cluster.local/ns/grants/sa/auditor' } } });
  });

  it('judges again only what read the clock when a session moves it', () => {
    const session = AnalysisSession.fromSources([{ file: 'mesh.yaml', text: MESH }], ALL_ANALYZERS, { now: new Date('2026-01-01T00:00:00Z') });
    const codes = (): string[] => session.findings().filter((f) => f.code === 'GIC125').map((f) => f.resource.name).sort();
    expect(codes()).toEqual(['typo']);
    const stats = session.setClock(new Date('2026-06-01T00:00:00Z'));
    expect(codes()).toEqual(['temporary', 'typo']);
    expect(stats.fullRebuild).toBe(false);
    expect(stats.recomputed).toBe(1); // the valid expiry is the only subject that read the clock
    session.setClock(undefined);
    expect(codes()).toEqual(['typo']);
  });
});
