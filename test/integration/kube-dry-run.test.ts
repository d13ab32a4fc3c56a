// The dry-run gateway against the real kube-apiserver peer: verdicts match what the API server says
// for the same objects; the CRD schema, Strict field validation and the CEL rules reject malformed
// proposals with the field named; RBAC 403, missing namespaces, ValidatingAdmissionPolicy denials and
// Warning headers become structured results; apply conflicts are reported and decided with force;
// nothing is ever persisted; and `gic dry-run --kubeconfig` prints cli.md's shape with exit 3.
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { AdmissionregistrationV1Api, ApiException, ApiextensionsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { dryRunSources } from '../../src/kube/dry-run-resources.js';
import { DryRunReportSchema, type DryRunResult } from '../../src/kube/dry-run-result.js';
import { KubeGateway } from '../../src/kube/kube-gateway.js';
import { jsonOf, runGic } from '../cli/run-gic.js';
import { kubeConfigFor, startKube } from '../peers/kube/start-kube.js';
import { startPeerOrSkip } from '../peers/peer.js';

const peer = await startPeerOrSkip('kube', startKube);

const NS = 'dry-shop';
const GROUP = 'security.istio.io';
type Obj = Record<string, unknown>;

function ap(name: string, spec: Obj, extra: { namespace?: string; labels?: Record<string, string>; version?: string } = {}): Obj {
  return {
    apiVersion: `${GROUP}/${extra.version ?? 'v1'}`,
    kind: 'AuthorizationPolicy',
    metadata: { name, namespace: extra.namespace ?? NS, ...(extra.labels === undefined ? {} : { labels: extra.labels }) },
    spec,
  };
}

const allowReviews = { selector: { matchLabels: { app: 'reviews' } }, action: 'ALLOW', rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }] }] };

/** Proposals whose verdict gic's validation and the API server (CRD schema, Strict, CEL) agree on. */
const CASES: readonly { name: string; object: Obj; field?: string }[] = [
  { name: 'valid ALLOW policy', object: ap('allow-reviews', allowReviews) },
  { name: 'valid v1beta1 policy', object: ap('allow-beta', allowReviews, { version: 'v1beta1' }) },
  { name: 'valid PeerAuthentication', object: { apiVersion: `${GROUP}/v1`, kind: 'PeerAuthentication', metadata: { name: 'strict', namespace: NS }, spec: { mtls: { mode: 'STRICT' } } } },
  { name: 'unknown field (Strict)', object: ap('typo', { ...allowReviews, rules: [{ from: [{ source: { principals: ['a'] } }], whenn: [{ key: 'request.headers[x]', values: ['y'] }] }] }), field: 'spec.rules[0].whenn' },
  { name: 'bad enum', object: ap('bad-action', { ...allowReviews, action: 'PERMIT' }), field: 'spec.action' },
  { name: 'selector and targetRefs (CEL)', object: ap('both', { ...allowReviews, targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'ingress' }] }), field: 'spec' },
  { name: 'serviceAccounts with namespaces (CEL)', object: ap('sa-ns', { action: 'ALLOW', rules: [{ from: [{ source: { serviceAccounts: ['shop/web'], namespaces: ['shop'] } }] }] }), field: 'spec.rules[0].from[0].source' },
  { name: 'wildcard label value (CEL)', object: ap('wild', { selector: { matchLabels: { app: 'rev*' } }, action: 'ALLOW', rules: [{}] }), field: 'spec.selector.matchLabels.app' },
  {
    name: 'portLevelMtls without selector (CEL)',
    object: { apiVersion: `${GROUP}/v1`, kind: 'PeerAuthentication', metadata: { name: 'ports', namespace: NS }, spec: { mtls: { mode: 'STRICT' }, portLevelMtls: { '8080': { mode: 'DISABLE' } } } },
    field: 'spec',
  },
  {
    name: 'jwks and jwksUri (CEL)',
    object: { apiVersion: `${GROUP}/v1`, kind: 'RequestAuthentication', metadata: { name: 'both-jwks', namespace: NS }, spec: { jwtRules: [{ issuer: 'https://idp.example', jwks: '{"keys":[]}', jwksUri: 'https://idp.example/jwks' }] } },
    field: 'spec.jwtRules[0]',
  },
];

function plural(kind: string): string {
  return { AuthorizationPolicy: 'authorizationpolicies', PeerAuthentication: 'peerauthentications', RequestAuthentication: 'requestauthentications' }[kind] ?? '';
}

describe.skipIf(!peer)('dry-run gateway (kube-apiserver peer)', () => {
  let admin: KubeConfig;
  let custom: CustomObjectsApi;
  let gateway: KubeGateway;
  let dir: string;

  /** What the API server itself says about a dry-run create of the object (admin, Strict). */
  async function apiVerdict(object: Obj): Promise<boolean> {
    const [group, version] = String(object['apiVersion']).split('/') as [string, string];
    try {
      await custom.createNamespacedCustomObject({ group, version, namespace: NS, plural: plural(String(object['kind'])), body: object, dryRun: 'All', fieldValidation: 'Strict' });
      return true;
    } catch (error) {
      if (error instanceof ApiException && error.code >= 400 && error.code < 500) return false;
      throw error;
    }
  }

  async function run(objects: readonly Obj[], gw: KubeGateway = gateway): Promise<DryRunResult[]> {
    const text = objects.map((o) => stringify(o)).join('---\n');
    return (await dryRunSources([{ file: 'proposal.yaml', text }], { gateway: gw })).results;
  }

  beforeAll(async () => {
    if (!peer) return;
    admin = kubeConfigFor(peer.info);
    custom = admin.makeApiClient(CustomObjectsApi);
    gateway = new KubeGateway(admin, { timeoutMs: 10_000 });
    await admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NS } } });
    dir = await mkdtemp(path.join(tmpdir(), 'gic-dry-run-'));
  });

  afterAll(async () => {
    await peer?.stop();
  });

  it('gives the API server\'s verdict and names the rejected field', async () => {
    const started = Date.now();
    const results = await run(CASES.map((c) => c.object));
    console.log(`${CASES.length} server-side dry-runs in ${Date.now() - started} ms`);
    expect(results).toHaveLength(CASES.length);
    for (const [i, c] of CASES.entries()) {
      const result = results[i] as DryRunResult;
      expect(result.mode, c.name).toBe('server');
      expect(result.accepted, c.name).toBe(await apiVerdict(c.object));
      expect(result.accepted, c.name).toBe(c.field === undefined);
      if (c.field !== undefined) expect(result.errors.map((e) => e.field), c.name).toContain(c.field);
    }
    // Nothing was persisted.
    const stored = (await custom.listNamespacedCustomObject({ group: GROUP, version: 'v1', namespace: NS, plural: 'authorizationpolicies' })) as { items: unknown[] };
    expect(stored.items).toEqual([]);
  });

  it('reports the API server\'s own schema and CEL messages, not only gic\'s', async () => {
    const [cel] = await run([CASES.find((c) => c.name === 'selector and targetRefs (CEL)')!.object]);
    // The CRD's CEL message as the API server words it (422 cause), besides gic's own wording.
    expect(cel?.errors.some((e) => e.field === 'spec' && e.message.includes('Invalid value') && e.message.includes('only one of targetRefs or selector can be set'))).toBe(true);
    const [strict] = await run([CASES.find((c) => c.name === 'unknown field (Strict)')!.object]);
    expect(strict?.errors.some((e) => e.field === 'spec.rules[0].whenn' && e.message.includes('field not declared in schema'))).toBe(true);
  });

  it('runs gic\'s istiod webhook rules too (the peer has no istiod)', async () => {
    const denyWithoutRules = ap('deny-nothing', { selector: { matchLabels: { app: 'reviews' } }, action: 'DENY' });
    expect(await apiVerdict(denyWithoutRules)).toBe(true);
    const [result] = await run([denyWithoutRules]);
    expect(result?.accepted).toBe(false);
    expect(result?.errors.length).toBeGreaterThan(0);
  });

  it('rejects a proposal for a namespace that does not exist', async () => {
    const [result] = await run([ap('lost', allowReviews, { namespace: 'no-such-ns' })]);
    expect(result?.accepted).toBe(false);
    expect(result?.errors[0]?.message).toContain('not found');
  });

  it('turns RBAC 403 into a rejected result for an identity without create/patch', async () => {
    const core = admin.makeApiClient(CoreV1Api);
    await core.createNamespacedServiceAccount({ namespace: NS, body: { metadata: { name: 'nobody' } } });
    const kc = new KubeConfig();
    kc.loadFromOptions({ clusters: admin.clusters, users: admin.users.map((u) => ({ ...u, impersonateUser: `system:serviceaccount:${NS}:nobody` })), contexts: admin.contexts, currentContext: admin.currentContext });
    const [result] = await run([ap('as-nobody', allowReviews)], new KubeGateway(kc, { timeoutMs: 10_000 }));
    expect(result?.accepted).toBe(false);
    expect(result?.errors[0]?.message).toMatch(/forbidden/i);
    expect(result?.errors[0]?.message).toContain(`system:serviceaccount:${NS}:nobody`);
  });

  it('reports ValidatingAdmissionPolicy warnings (Warning headers) and denials', async () => {
    const admission = admin.makeApiClient(AdmissionregistrationV1Api);
    for (const [name, action, label, message] of [
      ['gic-test-warn', 'Warn', 'gic-test-warn', 'policies labelled gic-test-warn are discouraged'],
      ['gic-test-deny', 'Deny', 'gic-test-deny', 'policies labelled gic-test-deny are forbidden'],
    ] as const) {
      await admission.createValidatingAdmissionPolicy({
        body: {
          metadata: { name },
          spec: {
            failurePolicy: 'Fail',
            matchConstraints: { resourceRules: [{ apiGroups: [GROUP], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['authorizationpolicies'] }] },
            validations: [{ expression: `!has(object.metadata.labels) || !('${label}' in object.metadata.labels)`, message }],
          },
        },
      });
      await admission.createValidatingAdmissionPolicyBinding({ body: { metadata: { name }, spec: { policyName: name, validationActions: [action] } } });
    }
    const deadline = Date.now() + 30_000;
    let warned: DryRunResult | undefined;
    let denied: DryRunResult | undefined;
    for (;;) {
      [warned, denied] = await run([ap('warned', allowReviews, { labels: { 'gic-test-warn': 'x' } }), ap('denied', allowReviews, { labels: { 'gic-test-deny': 'x' } })]);
      if ((warned?.warnings.length ?? 0) > 0 && denied?.accepted === false) break;
      if (Date.now() > deadline) throw new Error(`admission policies did not take effect: ${JSON.stringify([warned, denied])}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(warned?.accepted).toBe(true);
    expect(warned?.warnings.map((w) => w.message).join('\n')).toContain('policies labelled gic-test-warn are discouraged');
    expect(denied?.errors[0]?.message).toContain('policies labelled gic-test-deny are forbidden');
    for (const name of ['gic-test-warn', 'gic-test-deny']) {
      await admission.deleteValidatingAdmissionPolicyBinding({ name });
      await admission.deleteValidatingAdmissionPolicy({ name });
    }
  });

  it('reports apply conflicts with another field manager and decides with force', async () => {
    // Someone else owns the live object's action.
    await custom.patchNamespacedCustomObject(
      { group: GROUP, version: 'v1', namespace: NS, plural: 'authorizationpolicies', name: 'owned', body: ap('owned', allowReviews), fieldManager: 'kubectl', fieldValidation: 'Strict' },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    );
    const [result] = await run([ap('owned', { ...allowReviews, action: 'AUDIT' })]);
    expect(result?.accepted).toBe(true);
    expect(result?.warnings.some((w) => w.field.includes('spec.action') || w.message.includes('kubectl'))).toBe(true);
    const live = (await custom.getNamespacedCustomObject({ group: GROUP, version: 'v1', namespace: NS, plural: 'authorizationpolicies', name: 'owned' })) as { spec: { action: string } };
    expect(live.spec.action).toBe('ALLOW');
    await custom.deleteNamespacedCustomObject({ group: GROUP, version: 'v1', namespace: NS, plural: 'authorizationpolicies', name: 'owned' });
  });

  it('reports a missing CRD (404) as a rejection that says so', async () => {
    await admin.makeApiClient(ApiextensionsV1Api).deleteCustomResourceDefinition({ name: 'requestauthentications.security.istio.io' });
    const jwt = { apiVersion: `${GROUP}/v1`, kind: 'RequestAuthentication', metadata: { name: 'jwt', namespace: NS }, spec: { jwtRules: [{ issuer: 'https://idp.example' }] } };
    const deadline = Date.now() + 60_000;
    let result: DryRunResult | undefined;
    do {
      [result] = await run([jwt]);
      // While the CRD terminates the API server answers 403 ("...while custom resource definition is terminating").
      if (result?.accepted === false && /not found/.test(result.errors[0]?.message ?? '')) break;
      await new Promise((r) => setTimeout(r, 250));
    } while (Date.now() < deadline);
    expect(result?.accepted).toBe(false);
    expect(result?.errors[0]?.message).toMatch(/not found.*CRD installed/);
  });

  it('gic dry-run --kubeconfig prints cli.md\'s shape and exits 3 when one is rejected', async () => {
    const good = path.join(dir, 'good.yaml');
    const mixed = path.join(dir, 'mixed.yaml');
    await writeFile(good, stringify(ap('cli-good', allowReviews)));
    await writeFile(mixed, [ap('cli-good', allowReviews), CASES[5]!.object].map((o) => stringify(o)).join('---\n'));
    const ok = await runGic(['dry-run', good, '--kubeconfig', peer!.info.kubeconfig, '-o', 'json']);
    expect(ok.code, ok.stderr).toBe(0);
    const okReport = DryRunReportSchema.parse(jsonOf(ok));
    expect(okReport.results).toEqual([{ source: `${good}:1`, kind: 'AuthorizationPolicy', namespace: NS, name: 'cli-good', accepted: true, mode: 'server', errors: [], warnings: [] }]);
    const bad = await runGic(['dry-run', mixed, '--kubeconfig', peer!.info.kubeconfig, '-o', 'json']);
    expect(bad.code, bad.stderr).toBe(3);
    const badReport = DryRunReportSchema.parse(jsonOf(bad));
    expect(badReport.results.map((r) => [r.name, r.accepted, r.mode])).toEqual([
      ['cli-good', true, 'server'],
      ['both', false, 'server'],
    ]);
  });
});
