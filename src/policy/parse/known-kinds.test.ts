// The kubectl-like verdict on a document's apiVersion/kind: unknown or misspelled kinds of the groups
// gic reads (or Istio installs), near misses of those groups and of the kinds gic reads are errors;
// other groups are foreign and fine.
import { describe, expect, it } from 'vitest';

import { unknownKindProblem } from './known-kinds.js';
import { closest } from './near-miss.js';

describe('unknownKindProblem', () => {
  it('accepts every kind gic reads in its served version, and kinds gic ignores in known groups', () => {
    for (const [apiVersion, kind] of [
      ['v1', 'Namespace'], ['v1', 'Service'], ['v1', 'ConfigMap'], ['v1', 'Secret'], ['apps/v1', 'Deployment'], ['batch/v1', 'CronJob'],
      ['security.istio.io/v1', 'AuthorizationPolicy'], ['security.istio.io/v1beta1', 'PeerAuthentication'], ['gateway.networking.k8s.io/v1', 'Gateway'],
      ['gateway.networking.k8s.io/v1', 'HTTPRoute'], ['networking.istio.io/v1', 'VirtualService'],
    ]) expect(unknownKindProblem(apiVersion!, kind!), `${apiVersion} ${kind}`).toBeUndefined();
  });

  it('refuses a misspelled kind in a known group, naming the kind it meant', () => {
    expect(unknownKindProblem('apps/v1', 'Deploymnet')).toBe('no matches for kind "Deploymnet" in version "apps/v1": did you mean Deployment?');
    expect(unknownKindProblem('security.istio.io/v1', 'Authorizationpolicy')).toContain('did you mean AuthorizationPolicy?');
  });

  it('refuses a kind in the wrong group or version, naming where it is served', () => {
    expect(unknownKindProblem('v1', 'Deployment')).toBe('no matches for kind "Deployment" in version "v1": Deployment is served by apps/v1');
    expect(unknownKindProblem('apps/v1beta1', 'Deployment')).toContain('use apps/v1');
    expect(unknownKindProblem('batch/v1beta1', 'CronJob')).toContain('use batch/v1');
  });

  it('refuses a near miss of a known group, and a near miss of a kind gic reads in any group', () => {
    expect(unknownKindProblem('app/v1', 'Deployment')).toContain('unknown API group "app", did you mean "apps"?');
    expect(unknownKindProblem('security.istio.i0/v1', 'AuthorizationPolicy')).toContain('did you mean "security.istio.io"?');
    expect(unknownKindProblem('example.com/v1', 'Deploymnt')).toContain('did you mean Deployment?');
  });

  it('ignores foreign kinds, also ones named like a kind gic reads', () => {
    for (const [apiVersion, kind] of [['cert-manager.io/v1', 'Certificate'], ['monitoring.coreos.com/v1', 'ServiceMonitor'], ['serving.knative.dev/v1', 'Service'], ['kustomize.config.k8s.io/v1beta1', 'Kustomization'], ['networking.k8s.io/v1', 'NetworkPolicy'], ['policy/v1', 'PodDisruptionBudget']]) {
      expect(unknownKindProblem(apiVersion!, kind!), `${apiVersion} ${kind}`).toBeUndefined();
    }
  });
});

describe('closest', () => {
  it('finds case slips, one edit on short words and two on long ones, and nothing for an exact match', () => {
    expect(closest('pod', ['Pod'])).toBe('Pod');
    expect(closest('Pdo', ['Pod'])).toBe('Pod');
    expect(closest('Pxx', ['Pod'])).toBeUndefined();
    expect(closest('Namespce', ['Namespace'])).toBe('Namespace');
    expect(closest('Pod', ['Pod'])).toBeUndefined();
  });
});
