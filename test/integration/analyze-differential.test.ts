// Differential test against Istio's own analyzers (the Istio oracle peer runs istio.io/istio's
// analyzers over the same files, with their Pods, Namespaces and Services), in both directions, on every
// analyzer fixture mesh:
//   - each Istio message whose code gic's catalog refers to (IST0101, IST0106, IST0127, IST0133,
//     IST0166, IST0175) must have a gic finding with that ref on the same resource;
//   - each gic finding with such a ref must have that Istio message on the same resource, or Istio's
//     analyzer must not examine the case: each such contradiction is listed below with the Istio source
//     that shows why (and must still occur, so the list cannot go stale).
// Where gic deliberately differs, the case is named below with the reason.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';

import { analyzeSources } from '../../src/policy/analyze/analyze-report.js';
import { buildAnalysisSnapshot } from '../../src/policy/analyze/analysis-snapshot.js';
import { MESSAGES } from '../../src/policy/analyze/messages.js';
import { ANALYZE_FIXTURES, fixtureFiles } from '../conformance/analyze-fixture-files.js';
import { oracleAnalyze } from '../peers/istio-oracle/oracle-client.js';
import { startIstioOracle } from '../peers/istio-oracle/start-istio-oracle.js';
import { startPeerOrSkip } from '../peers/peer.js';

const peer = await startPeerOrSkip('istio-oracle', startIstioOracle);
const tmp = mkdtempSync(join(tmpdir(), 'gic-analyze-diff-'));
afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  await peer?.stop();
});

/**
 * What the oracle reads: Istio's analyzers look at Pods, not at Deployments, and at the sidecar the
 * injector added (or the ambient redirection annotation). So every workload template becomes the Pod
 * the cluster would run, injected as gic decided (the dataplane rules are tested in src/policy/parse).
 */
function asClusterWouldRun(text: string, file: string): string {
  const snapshot = buildAnalysisSnapshot([{ file, text }]);
  const modes = new Map(snapshot.mesh.workloads.map((w) => [`${w.namespace}/${w.name}`, w.dataplane]));
  const out: string[] = [];
  for (const doc of parseAllDocuments(text)) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- free-form Kubernetes YAML, read field by field
    const value = doc.toJS() as Record<string, any> | null;
    if (value === null || typeof value !== 'object') continue;
    if (value['kind'] === 'Deployment') {
      const ns = value['metadata']?.namespace ?? 'default';
      const name = value['metadata']?.name as string;
      const template = value['spec']?.template ?? {};
      const mode = modes.get(`${ns}/${name}`);
      const annotations: Record<string, string> = { ...(template.metadata?.annotations ?? {}) };
      const containers = [...(template.spec?.containers ?? [])];
      if (mode === 'sidecar') {
        annotations['sidecar.istio.io/status'] = '{"containers":["istio-proxy"]}';
        if (!containers.some((c: { name?: string }) => c.name === 'istio-proxy')) containers.push({ name: 'istio-proxy', image: 'istio/proxyv2' });
      }
      if (mode === 'ambient') annotations['ambient.istio.io/redirection'] = 'enabled';
      out.push(stringify(value)); // istiod's Deployment is what IST0175 reads
      out.push(stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `${name}-0`, namespace: ns, labels: template.metadata?.labels ?? {}, annotations }, spec: { ...template.spec, containers } }));
    } else out.push(stringify(value));
  }
  return out.join('---\n');
}

/** IST codes that gic's catalog names as refs. */
const REFERENCED: ReadonlySet<string> = new Set<string>(Object.values(MESSAGES).flatMap((m) => m.refs.filter((r) => r.startsWith('IST'))));

/**
 * Istio messages gic deliberately does not repeat, by `<code> <origin>` (origin as the oracle prints
 * it), with the reason. Each entry must still occur, so the list cannot go stale.
 */
const DELIBERATE: Readonly<Record<string, string>> = {};

/** Istio source of the analyzers named below (istio.io/istio at the version the oracle pins). */
const ISTIO = 'istio.io/istio pkg/config/analysis';

/**
 * gic findings whose IST ref Istio does not report on the same resource, by `<file> <code> <kind>
 * <namespace>/<name>`, with the reason from Istio's source. Each entry must still occur.
 */
const CONTRADICTED: Readonly<Record<string, string>> = {
  'authz-protocols.yaml GIC117 AuthorizationPolicy amb/reviews-get':
    `IST0166 (IneffectiveSelector) covers only a selector on a Kubernetes Gateway's pods (${ISTIO}/msg/messages.yaml); no Istio analyzer looks at L7 rules that ztunnel enforces without a waypoint, which GIC117 also reports (the evaluator drops the ALLOW rule, and the witness shows the request denied)`,
  'authz-references.yaml GIC103 AuthorizationPolicy foo/missing-gateway':
    `IST0127 is about selectors only: analyzers/authz/authorizationpolicies.go analyzeNoMatchingWorkloads reads a policy without a selector as namespace-wide and reports nothing while the namespace has pods, so a targetRef to a Gateway that does not exist goes unreported there`,
  'request-authentication.yaml GIC304 RequestAuthentication api/orders-jwt':
    `IST0175 (analyzers/authn/blockedcidrs.go) is reported on the istiod Deployment, once for all RequestAuthentications, and the oracle's file source gives it no Deployment (the analyzer is skipped); gic reports it on each RequestAuthentication, where the review happens`,
};

function originOf(m: { readonly origin: string }): { kind?: string; namespace?: string; name?: string } {
  const [, kind, namespace, name] = /^(\w+) (?:([^/\s]+)\/)?(\S+)/.exec(m.origin) ?? [];
  return { kind, namespace, name };
}

describe.skipIf(!peer)('gic analyze finds what istioctl analyze finds', () => {
  const command = peer?.info.command ?? [];
  const compared = new Set<string>();
  /** gic codes whose findings were compared with Istio's messages (the other direction). */
  const checkedBack = new Set<string>();
  for (const file of fixtureFiles()) {
    it(file, async () => {
      const dir = mkdtempSync(join(tmp, 'mesh-'));
      const text = readFileSync(join(ANALYZE_FIXTURES, file), 'utf8');
      writeFileSync(join(dir, file), asClusterWouldRun(text, file));
      const messages = (await oracleAnalyze(command, dir)).filter((m) => REFERENCED.has(m.code));
      const report = analyzeSources([{ file, text }]);
      const missing: string[] = [];
      const seenDeliberate = new Set<string>();
      for (const m of messages) {
        compared.add(m.code);
        const { kind, namespace, name } = originOf(m);
        const hit = report.findings.some((f) => f.refs.includes(m.code) && f.resource !== null && f.resource.kind === kind && f.resource.name === name && (namespace === undefined || f.resource.namespace === namespace));
        const key = `${m.code} ${m.origin}`;
        if (hit) continue;
        if (DELIBERATE[key] !== undefined) seenDeliberate.add(key);
        else missing.push(`${key}: ${m.message}`);
      }
      expect(missing).toEqual([]);
      for (const key of Object.keys(DELIBERATE).filter((k) => k.includes(`#${file}`))) expect(seenDeliberate).toContain(key);

      // The other direction: gic findings that Istio's analyzers contradict by saying nothing.
      const contradicted: string[] = [];
      const seenContradicted = new Set<string>();
      for (const f of report.findings) {
        const refs = f.refs.filter((r) => REFERENCED.has(r));
        if (refs.length === 0 || f.resource === null) continue;
        checkedBack.add(f.code);
        const confirmed = messages.some((m) => {
          const o = originOf(m);
          return refs.includes(m.code) && o.kind === f.resource!.kind && o.name === f.resource!.name && (o.namespace === undefined || o.namespace === f.resource!.namespace);
        });
        if (confirmed) continue;
        const key = `${file} ${f.code} ${f.resource.kind} ${f.resource.namespace}/${f.resource.name}`;
        if (CONTRADICTED[key] !== undefined) seenContradicted.add(key);
        else contradicted.push(`${key} (${refs.join(', ')}) ${f.field}: ${f.message}`);
      }
      expect(contradicted).toEqual([]);
      for (const key of Object.keys(CONTRADICTED).filter((k) => k.startsWith(`${file} `))) expect(seenContradicted, key).toContain(key);
    }, 300_000);
  }

  // IST0175 is not among them: the oracle's file source gives the analyzer no istiod Deployment to read,
  // so Istio never reports it offline (gic's GIC304 is checked by its golden fixture instead).
  it('compared real Istio messages (the fixtures make Istio report every referenced code it can offline)', () => {
    for (const code of ['IST0101', 'IST0106', 'IST0127', 'IST0133', 'IST0166']) expect(compared, code).toContain(code);
  });

  it('compared gic findings of every code that refers to an Istio message with Istio', () => {
    const referring = Object.entries(MESSAGES).filter(([, m]) => m.refs.some((r) => REFERENCED.has(r))).map(([code]) => code);
    expect(referring.length).toBeGreaterThanOrEqual(8);
    for (const code of referring) expect(checkedBack, code).toContain(code);
  });
});
