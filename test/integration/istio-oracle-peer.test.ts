// Tests the Istio oracle peer itself: its verdicts on the validation vectors of
// docs/reference/istio-authz.md §7.9 (V1..V34) and its analyzer messages on a small fixture mesh. If
// these fail, the differential suite (validation-differential.test.ts) cannot be trusted.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { errorLayer, oracleAnalyze, oracleEvaluate, oracleValidate, oracleValidateBatch, oracleVersion, type OracleEvalRequest, type OracleValidation } from '../peers/istio-oracle/oracle-client.js';
import { startIstioOracle } from '../peers/istio-oracle/start-istio-oracle.js';
import { startPeerOrSkip } from '../peers/peer.js';

const peer = await startPeerOrSkip('istio-oracle', startIstioOracle);
afterAll(async () => peer?.stop());

const fixtureMesh = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../peers/istio-oracle/fixtures/analyze-mesh');

type Expect = 'valid' | 'invalid' | 'warning';
interface Vector {
  readonly id: string;
  readonly kind?: 'AuthorizationPolicy' | 'PeerAuthentication' | 'RequestAuthentication';
  readonly annotations?: Record<string, string>;
  readonly spec: Record<string, unknown>;
  readonly expect: Expect;
  /** A fragment the oracle's error (or warning) must contain. */
  readonly says?: string;
  /** Only these layers may report errors. */
  readonly layers?: readonly string[];
}

const sel = { matchLabels: { app: 'httpbin' } };
const to = (operation: Record<string, unknown>): Record<string, unknown> => ({ rules: [{ to: [{ operation }] }] });
const from = (source: Record<string, unknown>): Record<string, unknown> => ({ rules: [{ from: [{ source }] }] });
const when = (condition: Record<string, unknown>): Record<string, unknown> => ({ rules: [{ when: [condition] }] });

// §7.9 of istio-authz.md, one row per input (V13 ; V16 ; ... split into a, b, c).
const vectors: Vector[] = [
  { id: 'V1', spec: { action: 'ALLOW' }, expect: 'valid' },
  { id: 'V2', spec: { action: 'DENY' }, expect: 'invalid', says: 'DENY action without `rules` is meaningless', layers: ['webhook'] },
  { id: 'V4a', spec: { action: 'CUSTOM', rules: [{}] }, expect: 'invalid', says: '`provider.name` must not be empty' },
  { id: 'V4b', spec: { action: 'CUSTOM', provider: { name: '' }, rules: [{}] }, expect: 'invalid', says: '`provider.name` must not be empty' },
  { id: 'V5', spec: { action: 'ALLOW', provider: { name: 'ext-authz' }, rules: [{}] }, expect: 'invalid', says: '`provider` must not be with non CUSTOM action' },
  { id: 'V7', spec: { selector: sel, targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' }] }, expect: 'invalid', says: 'only one of targetRefs or' },
  { id: 'V8', spec: { targetRefs: [{ group: 'apps', kind: 'Deployment', name: 'x' }] }, expect: 'invalid', layers: ['webhook'], says: 'targetRef must be to one of' },
  { id: 'V10', spec: { selector: { matchLabels: {} } }, expect: 'warning', says: 'workload selector specified without labels' },
  { id: 'V11', spec: { selector: { matchLabels: { app: 'a*' } } }, expect: 'invalid', says: 'wildcard' },
  { id: 'V13a', spec: { rules: [{ to: [{ operation: {} }] }] }, expect: 'invalid', says: '`to.operation` must not be empty' },
  { id: 'V13b', spec: { rules: [{ to: [{}] }] }, expect: 'invalid', says: '`to.operation` must not be nil' },
  { id: 'V14', spec: from({ principals: [''] }), expect: 'invalid', says: 'empty value not allowed' },
  { id: 'V16a', spec: to({ ports: ['65536'] }), expect: 'invalid', says: 'bad port' },
  { id: 'V16b', spec: to({ ports: ['-1'] }), expect: 'invalid', says: 'bad port' },
  { id: 'V16c', spec: to({ ports: ['http'] }), expect: 'invalid', says: 'bad port' },
  { id: 'V16d', spec: to({ ports: ['0'] }), expect: 'valid' },
  { id: 'V17', spec: from({ serviceAccounts: ['foo/bar'], namespaces: ['foo'] }), expect: 'invalid', says: 'serviceAccounts' },
  { id: 'V19a', spec: from({ trustDomains: ['a/b'] }), expect: 'invalid', says: "must not contain '/'" },
  { id: 'V19b', spec: from({ trustDomains: ['*a*'] }), expect: 'invalid', says: 'wildcard' },
  { id: 'V19c', spec: from({ trustDomains: ['a*b'] }), expect: 'invalid', says: 'wildcard' },
  { id: 'V19d', spec: from({ trustDomains: ['*.example.com'] }), expect: 'valid' },
  ...['/foo/{*}.txt', '/{**}/foo/{*}', '/*/baz/{*}', '/foo//{*}', '/a{b'].map((p, i): Vector => ({ id: `V20${'abcde'[i]}`, spec: to({ paths: [p] }), expect: 'invalid', layers: ['webhook'] })),
  { id: 'V22a', spec: when({ key: 'request.headers', values: ['x'] }), expect: 'invalid', says: 'request.headers' },
  { id: 'V22b', spec: when({ key: 'request.headers[]', values: ['x'] }), expect: 'invalid', says: 'request.headers[]' },
  { id: 'V23a', spec: when({ key: 'destination.namespace', values: ['x'] }), expect: 'invalid', says: 'metadata.namespace' },
  { id: 'V23b', spec: when({ key: 'destination.labels[app]', values: ['x'] }), expect: 'invalid', says: 'workload selector' },
  { id: 'V23c', spec: when({ key: 'destination.user', values: ['x'] }), expect: 'invalid', says: 'v1alpha1' },
  { id: 'V23d', spec: when({ key: 'foo.bar', values: ['x'] }), expect: 'invalid', says: 'unknown attribute' },
  { id: 'V25a', spec: when({ key: 'source.ip', values: ['10.0.0.0/8'] }), expect: 'valid' },
  { id: 'V25b', spec: when({ key: 'destination.port', values: ['70000'] }), expect: 'invalid', says: 'destination.port' },
  { id: 'V26', spec: { action: 'DENY', ...to({ methods: ['GET'] }) }, expect: 'warning' },
  { id: 'V28a', annotations: { 'istio.io/dry-run': 'foo' }, spec: { action: 'ALLOW', rules: [{}] }, expect: 'invalid', says: 'invalid value' },
  { id: 'V28b', annotations: { 'istio.io/dry-run': 'true' }, spec: { action: 'AUDIT', rules: [{}] }, expect: 'invalid', says: 'only supports action ALLOW/DENY' },
  { id: 'V28c', kind: 'PeerAuthentication', annotations: { 'istio.io/dry-run': 'true' }, spec: { mtls: { mode: 'STRICT' } }, expect: 'invalid', says: 'unsupported annotation' },
  { id: 'V29', spec: when({ key: 'request.headers[x]', values: [true] }), expect: 'invalid', says: 'must be of type string' },
  { id: 'V31a', kind: 'PeerAuthentication', spec: { selector: sel, portLevelMtls: { '0': { mode: 'STRICT' } } }, expect: 'invalid', says: 'port' },
  { id: 'V31b', kind: 'PeerAuthentication', spec: { selector: sel, portLevelMtls: {} }, expect: 'invalid' },
  { id: 'V32', kind: 'RequestAuthentication', spec: { jwtRules: [{ audiences: ['a'] }] }, expect: 'invalid', says: 'issuer or jwksUri must be non-empty string' },
  { id: 'V34a', kind: 'RequestAuthentication', spec: { jwtRules: [{ issuer: 'x', outputClaimToHeaders: [{ header: ':authority', claim: 'sub' }] }] }, expect: 'invalid' },
  { id: 'V34b', kind: 'RequestAuthentication', spec: { jwtRules: [{ issuer: 'x', timeout: '500us' }] }, expect: 'invalid' },
];

function documentOf(v: Vector): string {
  const metadata: Record<string, unknown> = { name: v.id.toLowerCase(), namespace: 'foo' };
  if (v.annotations !== undefined) metadata['annotations'] = v.annotations;
  return stringify({ apiVersion: 'security.istio.io/v1', kind: v.kind ?? 'AuthorizationPolicy', metadata, spec: v.spec });
}

function verdictOf(answer: OracleValidation): Expect {
  if (!answer.valid) return 'invalid';
  return answer.warnings.length > 0 ? 'warning' : 'valid';
}

describe.skipIf(!peer)('the Istio oracle peer', () => {
  const command = peer?.info.command ?? [];

  it('reports the pinned istio.io/istio and istio.io/api versions', async () => {
    const v = await oracleVersion(command);
    expect(v.istio).toMatch(/^v0\.0\.0-\d{14}-[0-9a-f]{12}$|^v1\./);
    expect(v.api).toMatch(/^v1\./);
  });

  it('answers the §7.9 validation vectors as istio-authz.md expects', async () => {
    const answers = await oracleValidateBatch(command, vectors.map(documentOf));
    const wrong: string[] = [];
    vectors.forEach((v, i) => {
      const a = answers[i];
      if (a === undefined || a.resources.length !== 1) {
        wrong.push(`${v.id}: expected one resource, got ${JSON.stringify(a)}`);
        return;
      }
      const got = verdictOf(a);
      if (got !== v.expect) wrong.push(`${v.id}: expected ${v.expect}, oracle says ${got}: ${JSON.stringify([...a.errors, ...a.warnings])}`);
      const said = [...a.errors, ...a.warnings].join('\n');
      if (v.says !== undefined && !said.includes(v.says)) wrong.push(`${v.id}: expected a message containing ${JSON.stringify(v.says)}, got ${said}`);
      if (v.layers !== undefined) {
        const layers = new Set(a.resources[0]?.errors.map(errorLayer));
        for (const l of layers) if (!v.layers.includes(l)) wrong.push(`${v.id}: unexpected ${l} error: ${said}`);
      }
    });
    expect(wrong).toEqual([]);
  });

  it('tags schema (proto conversion) errors apart from webhook errors, and reads multi-document files', async () => {
    const text = [
      stringify({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'a', namespace: 'foo' }, spec: { rules: [{ to: [{ operation: { ports: [8080] } }] }] } }),
      stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'foo' }, data: { k: 'v' } }),
      stringify({ apiVersion: 'security.istio.io/v1beta1', kind: 'AuthorizationPolicy', metadata: { name: 'b', namespace: 'foo' }, spec: { action: 'DENY' } }),
    ].join('---\n');
    const answer = await oracleValidate(command, text);
    expect(answer.resources.map((r) => [r.kind, r.name, r.valid, r.skipped ?? false])).toEqual([
      ['AuthorizationPolicy', 'a', false, false],
      ['ConfigMap', 'c', true, true],
      ['AuthorizationPolicy', 'b', false, false],
    ]);
    expect(new Set(answer.resources[0]?.errors.map(errorLayer))).toEqual(new Set(['crd', 'schema']));
    expect(answer.resources[2]?.errors.map(errorLayer)).toEqual(['webhook']);
    expect(answer.valid).toBe(false);
  });

  it('rejects unknown fields at the CRD and proto layers, as strict field validation does', async () => {
    const answer = await oracleValidate(
      command,
      stringify({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'p', namespace: 'foo' }, spec: { mtls: { mode: 'STRICT', extra: 1 } } }),
    );
    expect(answer.resources[0]?.valid).toBe(false);
    expect(answer.resources[0]?.errors.some((e) => e.startsWith('crd: unknown field "spec.mtls.extra"'))).toBe(true);
    expect(answer.resources[0]?.errors.some((e) => e.startsWith('schema: '))).toBe(true);
  });

  it('analyze reports IST0101 for a missing namespace and IST0127 for policies without workloads', async () => {
    const messages = await oracleAnalyze(command, fixtureMesh);
    const codes = messages.map((m) => `${m.code} ${m.origin}`).sort();
    expect(codes).toEqual([
      'IST0101 AuthorizationPolicy foo/allow-from-ghost',
      'IST0106 AuthorizationPolicy foo/deny-without-rules',
      'IST0127 AuthorizationPolicy bar/bar-wide',
      'IST0127 AuthorizationPolicy foo/no-such-workload',
    ]);
    const notFound = messages.find((m) => m.code === 'IST0101');
    expect(notFound?.level).toBe('Error');
    expect(notFound?.message).toContain('"ghost"');
    expect(messages.find((m) => m.code === 'IST0127')?.level).toBe('Warning');
  });

  it('analyze in istioctl files-only mode skips the authorization analyzer but still validates schemas', async () => {
    // --use-kube=false ignores the files' Pods and Namespaces, so auth.AuthorizationPoliciesAnalyzer
    // (whose inputs include them) never runs: no IST0101/IST0127 at all, only IST0106.
    const messages = await oracleAnalyze(command, fixtureMesh, { filesOnly: true });
    expect(messages.map((m) => `${m.code} ${m.origin}`)).toEqual(['IST0106 AuthorizationPolicy foo/deny-without-rules']);
  });

  it('evaluate: decides requests through the filter chain istiod builds (mTLS, CUSTOM, JWT, DENY, ALLOW), naming the stage and rule', async () => {
    // Expectations from Istio's documentation (docs/semantics.md "Decision order", "TCP", "JWT"), not from gic.
    const resources = [
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio, namespace: istio-system}\ndata:\n  mesh: |\n    extensionProviders:\n    - name: ext\n      envoyExtAuthzHttp: {service: ext.foo.svc.cluster.local, port: 8000}',
      'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: strict, namespace: foo}\nspec:\n  selector: {matchLabels: {app: strict}}\n  mtls: {mode: STRICT}',
      'apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata: {name: jwt, namespace: foo}\nspec:\n  jwtRules:\n  - issuer: https://iss\n    jwks: \'{"keys":[]}\'',
      'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: no-admin, namespace: foo}\nspec:\n  action: DENY\n  rules:\n  - to: [{operation: {paths: ["/admin*"]}}]',
      'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: readers, namespace: foo}\nspec:\n  rules:\n  - from: [{source: {namespaces: [bar]}}]\n    to: [{operation: {methods: [GET]}}]',
      'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: ext, namespace: foo}\nspec:\n  action: CUSTOM\n  provider: {name: ext}\n  rules:\n  - to: [{operation: {paths: ["/ext"]}}]',
    ].join('\n---\n');
    const proxy = (app: string) => ({ namespace: 'foo', labels: { app }, kind: 'sidecar' as const });
    const fromBar = 'cluster.local/ns/bar/sa/b';
    const requests: OracleEvalRequest[] = [
      { proxy: proxy('web'), protocol: 'http', port: 80, peer: fromBar, method: 'GET', path: '/x' },
      { proxy: proxy('web'), protocol: 'http', port: 80, peer: fromBar, method: 'POST', path: '/x' },
      { proxy: proxy('web'), protocol: 'http', port: 80, peer: fromBar, method: 'GET', path: '/admin/x' },
      { proxy: proxy('web'), protocol: 'http', port: 80, peer: fromBar, method: 'GET', path: '/ext' },
      { proxy: proxy('web'), protocol: 'http', port: 80, peer: fromBar, method: 'GET', path: '/x', jwt: { invalid: true } },
      { proxy: proxy('strict'), protocol: 'http', port: 80, method: 'GET', path: '/x' },
      // TCP: the ALLOW rule with `methods` is dropped (nothing allows), the DENY rule loses `paths` (denies all).
      { proxy: proxy('web'), protocol: 'tcp', port: 9000, peer: fromBar },
    ];
    const [results] = await oracleEvaluate(command, [{ resources, requests }]);
    const summary = (results ?? []).map((r) => [r.decision, r.protocol, r.stage, r.provider ?? r.policy ?? '']);
    expect(summary).toEqual([
      ['ALLOW', 'http', 'allow', 'ns[foo]-policy[readers]-rule[0]'],
      ['DENY', 'http', 'allow', ''],
      ['DENY', 'http', 'deny', 'ns[foo]-policy[no-admin]-rule[0]'],
      // CONDITIONAL once every local layer allows (the provider decides after them: stage allow).
      ['CONDITIONAL', 'http', 'allow', 'ext'],
      ['UNAUTHENTICATED', 'http', 'jwt', ''],
      ['DENY', 'http', 'mtls', ''],
      ['DENY', 'tcp', 'deny', 'ns[foo]-policy[no-admin]-rule[0]'],
    ]);
    expect(results?.[2]?.matching).toEqual(['ns[foo]-policy[no-admin]-rule[0]']);
  });

  it('evaluate: says what it does not model instead of deciding', async () => {
    const resources = 'apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata: {name: jwt, namespace: foo}\nspec:\n  jwtRules:\n  - issuer: https://iss\n    jwks: \'{"keys":[]}\'';
    const base: OracleEvalRequest = { proxy: { namespace: 'foo', labels: { app: 'web' }, kind: 'sidecar' }, protocol: 'http', port: 80, method: 'GET', path: '/x' };
    const [results] = await oracleEvaluate(command, [{ resources, requests: [{ ...base, jwt: { payload: { iss: 'https://iss', sub: 'a', exp: 4102444800 } } }, { ...base, path: '/a b' }] }]);
    for (const r of results ?? []) {
      expect(r.decision).toBeUndefined();
      expect(r.unmodeled?.length).toBeGreaterThan(0);
    }
  });
});
