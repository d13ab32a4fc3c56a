import { describe, expect, it } from 'vitest';

import { dataplaneOf, type PodFacts, parseGoBool, probesRewritten } from './dataplane.js';

function pod(overrides: Partial<PodFacts>): PodFacts {
  return { namespace: 'app', namespaceLabels: {}, labels: {}, annotations: {}, hostNetwork: false, containerNames: ['app'], ...overrides };
}

describe('dataplaneOf: sidecar injection (istiod webhook selectors + injectRequired)', () => {
  const cases: [string, Partial<PodFacts>, string][] = [
    ['namespace istio-injection=enabled', { namespaceLabels: { 'istio-injection': 'enabled' } }, 'sidecar'],
    ['enabled namespace, pod label inject=false', { namespaceLabels: { 'istio-injection': 'enabled' }, labels: { 'sidecar.istio.io/inject': 'false' } }, 'none'],
    ['enabled namespace, pod annotation inject=false', { namespaceLabels: { 'istio-injection': 'enabled' }, annotations: { 'sidecar.istio.io/inject': 'false' } }, 'none'],
    ['label wins over annotation', { namespaceLabels: { 'istio-injection': 'enabled' }, labels: { 'sidecar.istio.io/inject': 'true' }, annotations: { 'sidecar.istio.io/inject': 'false' } }, 'sidecar'],
    ['invalid label value falls back to the default (inject)', { namespaceLabels: { 'istio-injection': 'enabled' }, labels: { 'sidecar.istio.io/inject': 'no' } }, 'sidecar'],
    ['namespace istio.io/rev', { namespaceLabels: { 'istio.io/rev': 'canary' } }, 'sidecar'],
    ['rev namespace, pod opts out', { namespaceLabels: { 'istio.io/rev': 'canary' }, labels: { 'sidecar.istio.io/inject': 'false' } }, 'none'],
    ['istio-injection=disabled beats istio.io/rev', { namespaceLabels: { 'istio-injection': 'disabled', 'istio.io/rev': 'canary' } }, 'none'],
    ['istio-injection=disabled beats pod inject=true', { namespaceLabels: { 'istio-injection': 'disabled' }, labels: { 'sidecar.istio.io/inject': 'true' } }, 'none'],
    ['unlabelled namespace, pod label inject=true', { labels: { 'sidecar.istio.io/inject': 'true' } }, 'sidecar'],
    ['unlabelled namespace, pod annotation inject=true only (webhook not called)', { annotations: { 'sidecar.istio.io/inject': 'true' } }, 'none'],
    ['unlabelled namespace, pod label istio.io/rev', { labels: { 'istio.io/rev': 'default' } }, 'sidecar'],
    ['pod istio.io/rev but inject=false', { labels: { 'istio.io/rev': 'default', 'sidecar.istio.io/inject': 'false' } }, 'none'],
    ['hostNetwork pods are never injected', { namespaceLabels: { 'istio-injection': 'enabled' }, hostNetwork: true }, 'none'],
    ['kube-system is never injected', { namespace: 'kube-system', namespaceLabels: { 'istio-injection': 'enabled' } }, 'none'],
    ['pre-injected istio-proxy container', { containerNames: ['app', 'istio-proxy'] }, 'sidecar'],
    ['sidecar.istio.io/status annotation (already injected)', { annotations: { 'sidecar.istio.io/status': '{}' } }, 'sidecar'],
    ['empty istio.io/rev on the namespace names no revision', { namespaceLabels: { 'istio.io/rev': '' }, labels: { 'sidecar.istio.io/inject': 'true' } }, 'none'],
    ['empty istio.io/rev on the pod rules out the object webhook', { labels: { 'istio.io/rev': '', 'sidecar.istio.io/inject': 'true' } }, 'none'],
    ['nothing enabled', {}, 'none'],
  ];
  for (const [name, facts, expected] of cases) it(name, () => expect(dataplaneOf(pod(facts))).toBe(expected));
});

describe('dataplaneOf: ambient (istio-cni enablement selectors)', () => {
  const cases: [string, Partial<PodFacts>, string][] = [
    ['namespace dataplane-mode=ambient', { namespaceLabels: { 'istio.io/dataplane-mode': 'ambient' } }, 'ambient'],
    ['pod dataplane-mode=ambient in a plain namespace', { labels: { 'istio.io/dataplane-mode': 'ambient' } }, 'ambient'],
    ['pod dataplane-mode=none opts out', { namespaceLabels: { 'istio.io/dataplane-mode': 'ambient' }, labels: { 'istio.io/dataplane-mode': 'none' } }, 'none'],
    ['sidecar wins over ambient', { namespaceLabels: { 'istio.io/dataplane-mode': 'ambient', 'istio-injection': 'enabled' } }, 'sidecar'],
    ['ambient namespace, pod with istio-proxy', { namespaceLabels: { 'istio.io/dataplane-mode': 'ambient' }, containerNames: ['istio-proxy'] }, 'sidecar'],
    ['ambient namespace, injection disabled on the pod', { namespaceLabels: { 'istio.io/dataplane-mode': 'ambient', 'istio-injection': 'enabled' }, labels: { 'sidecar.istio.io/inject': 'false' } }, 'ambient'],
    ['hostNetwork pods are not captured', { namespaceLabels: { 'istio.io/dataplane-mode': 'ambient' }, hostNetwork: true }, 'none'],
    ['other dataplane-mode values do nothing', { namespaceLabels: { 'istio.io/dataplane-mode': 'sidecar' } }, 'none'],
  ];
  for (const [name, facts, expected] of cases) it(name, () => expect(dataplaneOf(pod(facts))).toBe(expected));
});

describe('probe rewriting', () => {
  it('rewrites for sidecars unless the annotation parses as false (Go ParseBool)', () => {
    expect(probesRewritten('sidecar', {})).toBe(true);
    expect(probesRewritten('sidecar', { 'sidecar.istio.io/rewriteAppHTTPProbers': 'false' })).toBe(false);
    expect(probesRewritten('sidecar', { 'sidecar.istio.io/rewriteAppHTTPProbers': 'F' })).toBe(false);
    expect(probesRewritten('sidecar', { 'sidecar.istio.io/rewriteAppHTTPProbers': 'bogus' })).toBe(true);
    expect(probesRewritten('ambient', {})).toBe(false);
    expect(probesRewritten('none', {})).toBe(false);
  });
  it('parseGoBool accepts exactly Go strconv.ParseBool spellings', () => {
    expect(['1', 't', 'T', 'TRUE', 'true', 'True'].map(parseGoBool)).toEqual(Array(6).fill(true));
    expect(['0', 'f', 'F', 'FALSE', 'false', 'False'].map(parseGoBool)).toEqual(Array(6).fill(false));
    expect(['yes', 'on', 'tRUE', ''].map(parseGoBool)).toEqual(Array(4).fill(undefined));
  });
});
