// Integration tests against the real kube-apiserver peer: the Istio security CRDs are served and
// enforce their schema and CEL rules under server-side dry-run with Strict field validation, RBAC
// applies to impersonated service accounts, and a ValidatingAdmissionPolicy on request.dryRun can
// confine an identity to dry-runs (the mechanism deploy/ relies on). Talks only to the peer it starts.
import {
  AdmissionregistrationV1Api,
  ApiException,
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPeerOrSkip } from '../peer.js';
import { kubeConfigFor, startKube } from './start-kube.js';

const peer = await startPeerOrSkip('kube', startKube);
afterAll(async () => peer?.stop());

const NS = 'gic-kube-peer-test';
const GROUP = 'security.istio.io';

interface Status {
  readonly code: number;
  readonly reason?: string;
  readonly message?: string;
}

/** Runs a call that must fail and returns the HTTP code and the parsed Kubernetes Status. */
async function failure(call: Promise<unknown>): Promise<Status> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const raw: unknown = error.body;
    const body = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { reason?: string; message?: string };
    return { code: error.code, reason: body.reason, message: body.message };
  }
  throw new Error('expected the API call to fail, but it succeeded');
}

function saUser(name: string): string {
  return `system:serviceaccount:${NS}:${name}`;
}

/** The peer's admin config, acting as `user` via the Impersonate-User header. */
function impersonating(admin: KubeConfig, user: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: admin.clusters,
    users: admin.users.map((u) => ({ ...u, impersonateUser: user })),
    contexts: admin.contexts,
    currentContext: admin.currentContext,
  });
  return kc;
}

function authorizationPolicy(name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: `${GROUP}/v1`, kind: 'AuthorizationPolicy', metadata: { name, namespace: NS }, spec };
}

const validSpec = {
  selector: { matchLabels: { app: 'reviews' } },
  action: 'ALLOW',
  rules: [{ from: [{ source: { principals: ['cluster.local/ns/default/sa/productpage'] } }], to: [{ operation: { methods: ['GET'] } }] }],
};

/** Retries `attempt` until it returns true (RBAC and admission policies take effect asynchronously). */
async function eventually(what: string, attempt: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await attempt())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.skipIf(!peer)('kube-apiserver peer', () => {
  let admin: KubeConfig;
  let custom: CustomObjectsApi;
  let core: CoreV1Api;
  let rbac: RbacAuthorizationV1Api;

  beforeAll(async () => {
    if (!peer) return;
    admin = kubeConfigFor(peer.info);
    custom = admin.makeApiClient(CustomObjectsApi);
    core = admin.makeApiClient(CoreV1Api);
    rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
  });

  /** Creates a ServiceAccount (no permissions) and returns a client impersonating it. */
  async function serviceAccount(name: string): Promise<CustomObjectsApi> {
    await core.createNamespacedServiceAccount({ namespace: NS, body: { metadata: { name } } });
    return impersonating(admin, saUser(name)).makeApiClient(CustomObjectsApi);
  }

  /** Grants the ServiceAccount create/get/list on AuthorizationPolicies in NS. */
  async function grantCreate(name: string): Promise<void> {
    await rbac.createNamespacedRole({
      namespace: NS,
      body: {
        metadata: { name: `${name}-writer` },
        rules: [{ apiGroups: [GROUP], resources: ['authorizationpolicies'], verbs: ['create', 'get', 'list'] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: NS,
      body: {
        metadata: { name: `${name}-writer` },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${name}-writer` },
        subjects: [{ kind: 'ServiceAccount', name, namespace: NS }],
      },
    });
  }

  it('serves the Istio security CRDs in v1 and v1beta1', async () => {
    const crds = admin.makeApiClient(ApiextensionsV1Api);
    for (const plural of ['authorizationpolicies', 'peerauthentications', 'requestauthentications']) {
      const crd = await crds.readCustomResourceDefinition({ name: `${plural}.${GROUP}` });
      const served = crd.spec.versions.filter((v) => v.served).map((v) => v.name);
      expect(served, plural).toEqual(expect.arrayContaining(['v1', 'v1beta1']));
      for (const version of ['v1', 'v1beta1']) {
        const list = (await custom.listNamespacedCustomObject({ group: GROUP, version, namespace: NS, plural })) as { items: unknown[] };
        expect(list.items, `${plural} ${version}`).toEqual([]);
      }
    }
  });

  it('accepts a valid AuthorizationPolicy on dry-run with Strict validation and persists nothing', async () => {
    const created = (await custom.createNamespacedCustomObject({
      group: GROUP,
      version: 'v1',
      namespace: NS,
      plural: 'authorizationpolicies',
      body: authorizationPolicy('reviews-viewer', validSpec),
      dryRun: 'All',
      fieldValidation: 'Strict',
    })) as { metadata: { name: string }; spec: unknown };
    expect(created.metadata.name).toBe('reviews-viewer');
    expect(created.spec).toEqual(validSpec);

    const get = await failure(
      custom.getNamespacedCustomObject({ group: GROUP, version: 'v1', namespace: NS, plural: 'authorizationpolicies', name: 'reviews-viewer' }),
    );
    expect(get.code).toBe(404);
    const list = (await custom.listNamespacedCustomObject({ group: GROUP, version: 'v1', namespace: NS, plural: 'authorizationpolicies' })) as {
      items: unknown[];
    };
    expect(list.items).toEqual([]);
  });

  it('rejects an unknown field under Strict and names it', async () => {
    const spec = { ...validSpec, rules: [{ ...validSpec.rules[0], whenn: [{ key: 'request.headers[x]', values: ['y'] }] }] };
    const status = await failure(
      custom.createNamespacedCustomObject({
        group: GROUP,
        version: 'v1',
        namespace: NS,
        plural: 'authorizationpolicies',
        body: authorizationPolicy('typo', spec),
        dryRun: 'All',
        fieldValidation: 'Strict',
      }),
    );
    expect(status.code).toBe(400);
    expect(status.message).toContain('unknown field');
    expect(status.message).toContain('spec.rules[0].whenn');
  });

  /** The message of the CRD's spec-level CEL rule whose expression mentions `needle`. */
  async function specRuleMessage(plural: string, needle: string): Promise<string> {
    const crd = await admin.makeApiClient(ApiextensionsV1Api).readCustomResourceDefinition({ name: `${plural}.${GROUP}` });
    const v1 = crd.spec.versions.find((v) => v.name === 'v1');
    const rules = v1?.schema?.openAPIV3Schema?.properties?.['spec']?.x_kubernetes_validations ?? [];
    const rule = rules.find((r) => r.rule.includes(needle));
    if (rule?.message === undefined) throw new Error(`${plural} has no spec CEL rule mentioning ${needle}`);
    return rule.message;
  }

  it('rejects an AuthorizationPolicy with both selector and targetRefs by the CRD CEL rule', async () => {
    const message = await specRuleMessage('authorizationpolicies', 'targetRefs');
    const status = await failure(
      custom.createNamespacedCustomObject({
        group: GROUP,
        version: 'v1',
        namespace: NS,
        plural: 'authorizationpolicies',
        body: authorizationPolicy('both', {
          ...validSpec,
          targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'ingress' }],
        }),
        dryRun: 'All',
        fieldValidation: 'Strict',
      }),
    );
    expect(status.code).toBe(422);
    expect(status.reason).toBe('Invalid');
    expect(status.message).toContain(message);
  });

  it('rejects a PeerAuthentication with portLevelMtls and no selector', async () => {
    const message = await specRuleMessage('peerauthentications', 'portLevelMtls');
    const status = await failure(
      custom.createNamespacedCustomObject({
        group: GROUP,
        version: 'v1',
        namespace: NS,
        plural: 'peerauthentications',
        body: {
          apiVersion: `${GROUP}/v1`,
          kind: 'PeerAuthentication',
          metadata: { name: 'ports', namespace: NS },
          spec: { mtls: { mode: 'STRICT' }, portLevelMtls: { '8080': { mode: 'DISABLE' } } },
        },
        dryRun: 'All',
        fieldValidation: 'Strict',
      }),
    );
    expect(status.code).toBe(422);
    expect(status.message).toContain(message);
  });

  it('denies a service account without a role (403) and allows it once a Role grants create', async () => {
    const name = 'gic-rbac';
    const asSa = await serviceAccount(name);
    const create = async (): Promise<unknown> =>
      asSa.createNamespacedCustomObject({
        group: GROUP,
        version: 'v1',
        namespace: NS,
        plural: 'authorizationpolicies',
        body: authorizationPolicy('by-sa', validSpec),
        dryRun: 'All',
        fieldValidation: 'Strict',
      });

    const denied = await failure(create());
    expect(denied.code).toBe(403);
    expect(denied.message).toContain(saUser(name));
    expect(denied.message).toContain('authorizationpolicies');

    await grantCreate(name);
    await eventually('RBAC grant to take effect', async () => {
      try {
        await create();
        return true;
      } catch (error) {
        if (error instanceof ApiException && error.code === 403) return false;
        throw error;
      }
    });
  });

  it('a ValidatingAdmissionPolicy on request.dryRun rejects real creates by the bot and admits dry-runs', async () => {
    const bot = 'gic-bot';
    const asBot = await serviceAccount(bot);
    await grantCreate(bot);
    const vapMessage = `${bot} may only dry-run`;
    const admission = admin.makeApiClient(AdmissionregistrationV1Api);
    await admission.createValidatingAdmissionPolicy({
      body: {
        metadata: { name: 'gic-test-dry-run-only' },
        spec: {
          failurePolicy: 'Fail',
          matchConstraints: {
            resourceRules: [{ apiGroups: [GROUP], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['authorizationpolicies'] }],
          },
          matchConditions: [{ name: 'is-bot', expression: `request.userInfo.username == "${saUser(bot)}"` }],
          validations: [{ expression: 'request.dryRun == true', message: vapMessage, reason: 'Forbidden' }],
        },
      },
    });
    await admission.createValidatingAdmissionPolicyBinding({
      body: {
        metadata: { name: 'gic-test-dry-run-only' },
        spec: {
          policyName: 'gic-test-dry-run-only',
          validationActions: ['Deny'],
          matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': NS } } },
        },
      },
    });

    const create = async (name: string, dryRun?: 'All'): Promise<unknown> =>
      asBot.createNamespacedCustomObject({
        group: GROUP,
        version: 'v1',
        namespace: NS,
        plural: 'authorizationpolicies',
        body: authorizationPolicy(name, validSpec),
        fieldValidation: 'Strict',
        ...(dryRun === undefined ? {} : { dryRun }),
      });

    // The policy is loaded asynchronously: probe with real creates, removing any that got through.
    let probe = 0;
    let rejection: Status | undefined;
    await eventually('the admission policy to take effect', async () => {
      const name = `probe-${probe++}`;
      try {
        await create(name);
      } catch (error) {
        if (!(error instanceof ApiException)) throw error;
        rejection = await failure(Promise.reject(error));
        return true;
      }
      await custom.deleteNamespacedCustomObject({ group: GROUP, version: 'v1', namespace: NS, plural: 'authorizationpolicies', name });
      return false;
    });
    expect(rejection?.code).toBe(403);
    expect(rejection?.message).toContain(vapMessage);

    const real = await failure(create('bot-real'));
    expect(real.code).toBe(403);
    expect(real.message).toContain('gic-test-dry-run-only');
    expect(real.message).toContain(vapMessage);

    const dry = (await create('bot-dry', 'All')) as { metadata: { name: string } };
    expect(dry.metadata.name).toBe('bot-dry');

    // The admin is not matched by the policy: its real create goes through.
    await custom.createNamespacedCustomObject({
      group: GROUP,
      version: 'v1',
      namespace: NS,
      plural: 'authorizationpolicies',
      body: authorizationPolicy('admin-real', validSpec),
      fieldValidation: 'Strict',
    });
    const stored = (await custom.listNamespacedCustomObject({ group: GROUP, version: 'v1', namespace: NS, plural: 'authorizationpolicies' })) as {
      items: { metadata: { name: string } }[];
    };
    expect(stored.items.map((i) => i.metadata.name)).toEqual(['admin-real']);
  });
});
