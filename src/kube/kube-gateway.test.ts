// The gateway's guard is the only way out to a cluster: GET of allow-listed collections, and PATCH
// (server-side apply) of Istio security objects with dryRun=All. Everything else is refused.
import { describe, expect, it } from 'vitest';

import { AppError } from '../errors.js';
import { assertAllowedRequest, parseWarningHeader } from './kube-gateway.js';

const server = 'https://10.0.0.1:6443';
const url = (path: string) => new URL(server + path);
const AP = '/apis/security.istio.io/v1/namespaces/shop/authorizationpolicies/allow-web';

describe('assertAllowedRequest', () => {
  it.each([
    '/api/v1/namespaces',
    '/api/v1/pods',
    '/api/v1/namespaces/shop/pods',
    '/api/v1/services',
    '/api/v1/serviceaccounts',
    '/api/v1/namespaces/istio-system/configmaps?fieldSelector=metadata.name%3Distio',
    '/apis/security.istio.io/v1/authorizationpolicies',
    '/apis/security.istio.io/v1/peerauthentications',
    '/apis/security.istio.io/v1/requestauthentications',
    '/apis/gateway.networking.k8s.io/v1/gateways',
    '/apis/security.istio.io/v1',
  ])('allows GET %s', (path) => {
    expect(() => assertAllowedRequest('GET', url(path))).not.toThrow();
  });

  it('allows ConfigMaps only by the name istio, in one namespace', () => {
    expect(() => assertAllowedRequest('GET', url('/api/v1/namespaces/istio-system/configmaps'))).toThrow(/refused to read/);
    expect(() => assertAllowedRequest('GET', url('/api/v1/namespaces/istio-system/configmaps?fieldSelector=metadata.name%3Dother'))).toThrow(/refused to read/);
    expect(() => assertAllowedRequest('GET', url('/api/v1/configmaps?fieldSelector=metadata.name%3Distio'))).toThrow(/refused to read/);
  });

  it.each(['/api/v1/secrets', '/api/v1/namespaces/shop/secrets', '/api/v1/configmaps', '/apis/apps/v1/deployments', '/api/v1/namespaces/shop/pods/web-1/exec', '/apis/rbac.authorization.k8s.io/v1/clusterroles'])(
    'refuses GET %s (not allow-listed)',
    (path) => {
      expect(() => assertAllowedRequest('GET', url(path))).toThrow(/refused to read/);
    },
  );

  it('allows the dry-run server-side apply of the Istio security kinds, v1 and v1beta1', () => {
    for (const path of [AP, '/apis/security.istio.io/v1beta1/namespaces/shop/peerauthentications/default', '/apis/security.istio.io/v1/namespaces/shop/requestauthentications/jwt']) {
      expect(() => assertAllowedRequest('PATCH', url(`${path}?dryRun=All&fieldManager=gic&fieldValidation=Strict`))).not.toThrow();
    }
  });

  it.each([
    ['no dryRun', `${AP}?fieldManager=gic`],
    ['another dryRun value', `${AP}?dryRun=None`],
    ['dryRun twice', `${AP}?dryRun=All&dryRun=None`],
    ['dryRun in another case', `${AP}?dryrun=All`],
  ])('refuses a PATCH with %s', (_, path) => {
    const attempt = () => assertAllowedRequest('PATCH', url(path));
    expect(attempt).toThrow(/without dryRun=All/);
    try {
      attempt();
    } catch (error) {
      expect(AppError.isInstance(error)).toBe(true);
    }
  });

  it('refuses a dry-run of anything but the Istio security kinds', () => {
    for (const path of ['/apis/networking.istio.io/v1/namespaces/shop/sidecars/default', '/api/v1/namespaces/shop/configmaps/x', '/apis/apps/v1/namespaces/shop/deployments/web']) {
      expect(() => assertAllowedRequest('PATCH', url(`${path}?dryRun=All`))).toThrow(/only security\.istio\.io/);
    }
  });

  it.each(['POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'CONNECT'])('refuses %s, even with dryRun=All', (method) => {
    expect(() => assertAllowedRequest(method, url(`${AP}?dryRun=All`))).toThrow(/only reads and dry-runs/);
  });
});

describe("gic's own Leases (leader election): the one real write, and only to gic-* Leases", () => {
  const LEASES = '/apis/coordination.k8s.io/v1/namespaces/gic/leases';
  it('allows get and update of a gic-* Lease and create in the Lease collection', () => {
    expect(() => assertAllowedRequest('GET', url(`${LEASES}/gic-review-bot`))).not.toThrow();
    expect(() => assertAllowedRequest('PUT', url(`${LEASES}/gic-review-bot`))).not.toThrow();
    expect(() => assertAllowedRequest('POST', url(LEASES))).not.toThrow();
  });
  it('refuses other Leases, deleting or patching a Lease, and other coordination objects', () => {
    expect(() => assertAllowedRequest('PUT', url(`${LEASES}/kube-scheduler`))).toThrow(/refused/);
    expect(() => assertAllowedRequest('DELETE', url(`${LEASES}/gic-review-bot`))).toThrow(/refused/);
    expect(() => assertAllowedRequest('PATCH', url(`${LEASES}/gic-review-bot`))).toThrow(/refused/);
    expect(() => assertAllowedRequest('POST', url('/api/v1/namespaces/gic/configmaps'))).toThrow(/refused/);
    expect(() => assertAllowedRequest('PUT', url('/apis/coordination.k8s.io/v1/namespaces/gic/leasecandidates/gic-x'))).toThrow(/refused/);
  });
});

describe('parseWarningHeader', () => {
  it('splits comma-joined warnings and unquotes them', () => {
    expect(parseWarningHeader('299 - "first, with a comma", 299 - "second \\"quoted\\""')).toEqual(['first, with a comma', 'second "quoted"']);
  });
  it('keeps a non-standard value whole and ignores absence', () => {
    expect(parseWarningHeader('something odd')).toEqual(['something odd']);
    expect(parseWarningHeader(null)).toEqual([]);
    expect(parseWarningHeader('')).toEqual([]);
  });
});
