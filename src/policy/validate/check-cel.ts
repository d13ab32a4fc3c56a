// The CRDs' x-kubernetes-validations (CEL) rules of the three Istio security kinds, evaluated on the raw
// spec with CEL's semantics: `has()` is true for any present, non-null field (an empty list counts),
// `int(key)` is Go strconv.ParseInt, `duration()` is Go time.ParseDuration, `url()` is Go's
// ParseRequestURI + Parse. A CEL evaluation error rejects the object just as a false rule does.
import type { FindingCollector, Path } from './finding-collector.js';
import { goParseDuration } from './go/duration.js';
import { goAtoi } from './go/strconv.js';
import { goParseRequestUri, goParseUrl } from './go/url.js';
import { arrayAt, has, isObject, objectAt, type RawObject, stringAt } from './raw-value.js';

const MILLISECOND = 1_000_000n;

/** `only one of targetRefs or selector can be set` (AuthorizationPolicy, RequestAuthentication). */
function checkSelectorXorTargetRef(spec: RawObject, path: Path, out: FindingCollector): void {
  const set = ['selector', 'targetRef', 'targetRefs'].filter((k) => has(spec, k));
  if (set.length > 1) {
    out.add('cel.selector-xor-target-ref', path, `only one of targetRefs or selector can be set (found ${set.join(', ')}); keep one of them and remove the others.`);
  }
}

/** matchLabels CEL rules (all three kinds). */
function checkSelectorLabels(spec: RawObject, path: Path, out: FindingCollector): void {
  const labels = objectAt(objectAt(spec, 'selector'), 'matchLabels');
  if (labels === undefined) return;
  const at: Path = [...path, 'selector', 'matchLabels'];
  for (const key in labels) {
    if (labels[key] === null) continue;
    if (key.includes('*')) out.add('cel.selector.wildcard-key', [...at, key], `wildcard not allowed in label key match: ${JSON.stringify(key)}; selectors match exact label keys, so write the full key.`);
    if (key.length === 0) out.add('cel.selector.empty-key', at, 'key must not be empty: remove the label with the empty key.');
    const v = labels[key];
    if (typeof v === 'string' && v.includes('*')) out.add('cel.selector.wildcard-value', [...at, key], `wildcard not allowed in label value match: ${JSON.stringify(v)}; selectors match exact label values, so write the full value.`);
  }
}

/** targetRef / targetRefs[].namespace must be empty. */
function checkTargetRefNamespaces(spec: RawObject, path: Path, out: FindingCollector): void {
  const check = (ref: unknown, at: Path): void => {
    if (!isObject(ref)) return;
    const ns = stringAt(ref, 'namespace');
    if (ns !== undefined && ns.length !== 0) {
      out.add('cel.target-ref.namespace', [...at, 'namespace'], `cross namespace referencing is not currently supported: remove namespace ${JSON.stringify(ns)} and put the policy in the target's namespace.`);
    }
  };
  check(spec['targetRef'], [...path, 'targetRef']);
  arrayAt(spec, 'targetRefs')?.forEach((ref, i) => check(ref, [...path, 'targetRefs', i]));
}

export function checkAuthorizationPolicyCel(spec: RawObject, out: FindingCollector): void {
  const path: Path = ['spec'];
  checkSelectorXorTargetRef(spec, path, out);
  checkSelectorLabels(spec, path, out);
  checkTargetRefNamespaces(spec, path, out);
  arrayAt(spec, 'rules')?.forEach((rule, r) => {
    if (!isObject(rule)) return;
    arrayAt(rule, 'from')?.forEach((from, f) => {
      const src = isObject(from) ? objectAt(from, 'source') : undefined;
      if (src === undefined) return;
      if ((has(src, 'serviceAccounts') || has(src, 'notServiceAccounts')) && (has(src, 'principals') || has(src, 'notPrincipals') || has(src, 'namespaces') || has(src, 'notNamespaces'))) {
        out.add(
          'cel.source.service-accounts-exclusive',
          ['spec', 'rules', r, 'from', f, 'source'],
          'Cannot set serviceAccounts with namespaces or principals: move serviceAccounts/notServiceAccounts to a separate `from` entry, or express them as principals.',
        );
      }
    });
  });
}

export function checkPeerAuthenticationCel(spec: RawObject, out: FindingCollector): void {
  const path: Path = ['spec'];
  checkSelectorLabels(spec, path, out);
  const ports = objectAt(spec, 'portLevelMtls');
  if (ports !== undefined) {
    for (const key in ports) {
      if (ports[key] === null) continue;
      const n = goAtoi(key);
      if ('error' in n || n.value <= 0n || n.value > 65535n) {
        out.add('cel.port-level-mtls.port-range', ['spec', 'portLevelMtls', key], `port must be between 1-65535, got ${JSON.stringify(key)}; use the workload (container) port number.`);
      }
    }
  }
  if (has(spec, 'portLevelMtls')) {
    const labels = objectAt(objectAt(spec, 'selector'), 'matchLabels');
    const size = labels === undefined ? 0 : Object.keys(labels).filter((k) => labels[k] !== null).length;
    if (size === 0) {
      out.add('cel.port-level-mtls.requires-selector', ['spec', 'portLevelMtls'], 'portLevelMtls requires selector: add selector.matchLabels naming the workload, or move the mode to spec.mtls.');
    }
  }
}

export function checkRequestAuthenticationCel(spec: RawObject, out: FindingCollector): void {
  const path: Path = ['spec'];
  checkSelectorXorTargetRef(spec, path, out);
  checkSelectorLabels(spec, path, out);
  checkTargetRefNamespaces(spec, path, out);
  arrayAt(spec, 'jwtRules')?.forEach((rule, i) => {
    if (!isObject(rule)) return;
    const at: Path = ['spec', 'jwtRules', i];
    for (const key of ['jwksUri', 'jwks_uri']) {
      const uri = stringAt(rule, key);
      if (uri === undefined) continue;
      const req = goParseRequestUri(uri);
      const parsed = 'error' in req ? req : goParseUrl(uri);
      if ('error' in parsed || !(parsed.url.scheme === 'http' || parsed.url.scheme === 'https')) {
        out.add('cel.jwks-uri.scheme', [...at, key], `url must have scheme http:// or https://: ${JSON.stringify(uri)}; write an absolute URL such as https://idp.example.com/.well-known/jwks.json.`);
      }
    }
    const count = ['jwksUri', 'jwks_uri', 'jwks'].filter((k) => has(rule, k)).length;
    if (count > 1) {
      out.add('cel.jwks.exclusive', at, 'only one of jwks or jwksUri can be set: keep either the inline jwks or jwksUri (jwks_uri is the same field as jwksUri).');
    }
    const timeout = stringAt(rule, 'timeout');
    if (timeout !== undefined) {
      const d = goParseDuration(timeout);
      if ('error' in d || d.nanos < MILLISECOND) {
        out.add('cel.timeout.min-duration', [...at, 'timeout'], `must be a valid duration greater than 1ms, got ${JSON.stringify(timeout)}; write e.g. "5s" or "500ms".`);
      }
    }
  });
}
