// fast-check arbitraries of Istio security resources (AuthorizationPolicy, PeerAuthentication,
// RequestAuthentication) as YAML texts, valid and invalid, biased towards the validation rules of
// docs/reference/istio-authz.md §3: wildcards, empty values, bad CIDRs and ports, path templates, when
// keys, serviceAccounts, trustDomains, CUSTOM/DENY specifics, the dry-run annotation, selector and
// targetRefs, portLevelMtls and jwtRules. They generate inputs only; they never predict a verdict.
import fc from 'fast-check';
import { stringify } from 'yaml';

export type SecurityKind = 'AuthorizationPolicy' | 'PeerAuthentication' | 'RequestAuthentication';

export interface GeneratedResource {
  readonly kind: SecurityKind;
  /** The object as generated (may hold wrong types on purpose). */
  readonly object: Record<string, unknown>;
  /** One YAML document. */
  readonly text: string;
}

type Obj = Record<string, unknown>;

const pick = <T>(...values: T[]): fc.Arbitrary<T> => fc.constantFrom(...values);

/** An object from optional entries: keys whose value is undefined are left out. */
function partial(model: Record<string, fc.Arbitrary<unknown>>, presence = 0.35): fc.Arbitrary<Obj> {
  const entries = Object.entries(model).map(([key, arb]) =>
    fc.tuple(fc.constant(key), fc.oneof({ arbitrary: fc.constant(undefined), weight: Math.round((1 - presence) * 100) }, { arbitrary: arb, weight: Math.round(presence * 100) })),
  );
  return fc.tuple(...entries).map((pairs) => {
    const out: Obj = {};
    for (const [key, value] of pairs) if (value !== undefined) out[key] = value;
    return out;
  });
}

/** A list of 1..max items drawn from `item`. */
const list = <T>(item: fc.Arbitrary<T>, max = 3): fc.Arbitrary<T[]> => fc.array(item, { minLength: 1, maxLength: max });

const JWKS_PUBLIC = JSON.stringify({
  keys: [{ kty: 'EC', crv: 'P-256', x: '-_Osx6tekqo6_77Fg1Q5GwGAvLtUIduhI3y7o6CczO4', y: 'olkQeesY0tJuPvYFfcyxqclWFpXZjd-hOfRujX_vcOs' }],
});
const JWKS_PRIVATE = JSON.stringify({
  keys: [{ kty: 'EC', crv: 'P-256', x: '-_Osx6tekqo6_77Fg1Q5GwGAvLtUIduhI3y7o6CczO4', y: 'olkQeesY0tJuPvYFfcyxqclWFpXZjd-hOfRujX_vcOs', d: 'ZpKHqTeco053hyh2PDRFp5ehh2siPhG3TKWnIF-QNR4' }],
});

/**
 * The arbitraries of one noise level. Clean ones draw only the usual values of each field, so their
 * verdicts turn on how fields combine (targeting, actions, CUSTOM/DENY, dry-run, jwtRules); noisy ones
 * also draw the rule-breaking values (empty strings, bad CIDRs, ports, paths, keys, wrong types, unknown
 * fields) with a small weight each.
 */
function makeArbitraries(noisy: boolean) {
  const biased = <T>(usual: fc.Arbitrary<T>, unusual: fc.Arbitrary<T>, unusualWeight = 1, usualWeight = 9): fc.Arbitrary<T> =>
    noisy ? fc.oneof({ arbitrary: usual, weight: usualWeight }, { arbitrary: unusual, weight: unusualWeight }) : usual;

  // ---------------------------------------------------------------- values

  const principal = biased(
    pick('cluster.local/ns/foo/sa/bar', 'cluster.local/ns/default/sa/sleep', '*', 'cluster.local/ns/foo/*', '*/ns/foo/sa/bar'),
    pick('', 'spiffe://cluster.local/ns/foo/sa/bar', 'a*b', ' '),
  );
  const requestPrincipal = biased(pick('https://issuer.example.com/alice', '*', 'issuer/*', '*/alice'), pick('', 'a*b'));
  const namespaceValue = biased(pick('foo', 'default', '*', 'foo*', '*-prod', 'istio-system'), pick('', 'FOO', 'a b'));
  const ipValue = biased(
    pick('10.0.0.0/8', '192.168.1.1', '2001:db8::/32', '::1', '10.1.2.3/32', '0.0.0.0/0', '10.0.0.1/8'),
    pick('', '10.0.0.0/33', '1.2.3', 'abc', '10.0.0.0/-1', '1.2.3.4/', '01.2.3.4', ' 1.2.3.4', '1.2.3.4/08', '2001:db8::/129', '10.0.0.0/8/8', '*', 'fe80::1%eth0'),
    2,
  );
  const serviceAccountValue = biased(
    pick('foo/bar', 'bar', 'default/sleep', 'ns-1/sa.name'),
    pick('', '*', 'foo/*', 'a/b/c', '/bar', 'foo/', '/', `ns/${'s'.repeat(318)}`, `ns/${'s'.repeat(320)}`, 'foo/ba*'),
    2,
  );
  const trustDomainValue = biased(
    pick('cluster.local', 'example.com', '*', '*.example.com', 'example.*', 'td1'),
    pick('', '*a*', 'a*b', 'a/b', '**', '*.*', 'a**'),
    2,
  );
  const hostValue = biased(pick('example.com', '*.example.com', 'example.com:8080', '*', 'foo.bar.svc.cluster.local', 'EXAMPLE.com'), pick('', 'a*b.com'));
  const portValue: fc.Arbitrary<unknown> = biased(
    pick('80', '8080', '0', '65535', '443', '9090'),
    fc.oneof({ arbitrary: pick('', '65536', '-1', 'http', '080', '+80', ' 80', '99999999999', '8080 ', '0x50', '1e3'), weight: 4 }, { arbitrary: pick(8080, 0), weight: 1 }),
    2,
  );
  const methodValue = biased(pick('GET', 'POST', '*', 'DELETE', 'get', 'PATCH'), pick('', 'G*'));
  const pathValue = biased(
    pick('/foo', '/foo/*', '*', '/api/v1/users', '*.txt', '/foo/{*}', '/foo/{**}', '/foo/{*}/bar', '/{*}/baz', '/foo/{**}.json'),
    pick('', '/foo/{*}.txt', '/{**}/foo/{*}', '/*/baz/{*}', '/foo//{*}', '/a{b', '/a}b', '{*}', '/{*}/{**}', '/foo/{**}/bar', '/foo/{*', '/foo/{x}', '/foo/{**}/{*}', '/foo/{*}{*}', '/{***}'),
    2,
  );

  // ---------------------------------------------------------------- selector / targetRef

  const labelKey = biased(pick('app', 'version', 'app.kubernetes.io/name', 'tier'), pick('', 'ap*', '*', 'bad key', '-app'));
  const labelValue = biased(pick('httpbin', 'v1', 'sleep', 'a-b.c_d'), pick('', 'a*', '*', 'x'.repeat(63), 'x'.repeat(64), 'bad value', '-v1'));
  const matchLabels = fc.dictionary(labelKey, labelValue, { minKeys: 0, maxKeys: 3 });
  const selector: fc.Arbitrary<unknown> = biased(
    matchLabels.filter((m) => Object.keys(m).length > 0).map((m) => ({ matchLabels: m })),
    fc.oneof(pick({ matchLabels: {} }, {}), matchLabels.map((m) => ({ matchLabels: m }))),
    2,
  );

  const targetRefValue: fc.Arbitrary<Obj> = biased(
    pick(
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' },
      { group: '', kind: 'Service', name: 'httpbin' },
      { kind: 'Service', name: 'httpbin' },
      { group: 'networking.istio.io', kind: 'ServiceEntry', name: 'se' },
      { group: 'gateway.networking.k8s.io', kind: 'GatewayClass', name: 'istio-waypoint' },
    ),
    pick<Obj>(
      { group: 'apps', kind: 'Deployment', name: 'x' },
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: '' },
      { group: 'gateway.networking.k8s.io', kind: 'Gateway' },
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw', namespace: 'other' },
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw', namespace: '' },
      { group: 'core', kind: 'Service', name: 'x' },
      { group: 'Bad_Group', kind: 'Gateway', name: 'x' },
      { group: 'gateway.networking.k8s.io', kind: 'gateway', name: 'x' },
      { group: 'gateway.networking.k8s.io', kind: '', name: 'x' },
      { group: 'gateway.networking.k8s.io', name: 'x' },
      { group: 'gateway.networking.k8s.io', kind: '1Gateway', name: 'x' },
    ),
    2,
  );

  /** Workload selection: nothing, selector, targetRef(s), or (invalid) several at once. */
  const targeting: fc.Arbitrary<Obj> = fc.oneof(
    { arbitrary: fc.constant({}), weight: 30 },
    { arbitrary: selector.map((s) => ({ selector: s })), weight: 40 },
    { arbitrary: pick({ selector: { matchLabels: {} } }, { selector: {} }), weight: 4 },
    { arbitrary: fc.array(targetRefValue, { minLength: 0, maxLength: 3 }).map((t) => ({ targetRefs: t })), weight: 20 },
    { arbitrary: targetRefValue.map((t) => ({ targetRef: t })), weight: 10 },
    { arbitrary: fc.tuple(selector, list(targetRefValue, 1)).map(([s, t]) => ({ selector: s, targetRefs: t })), weight: 3 },
    { arbitrary: fc.tuple(targetRefValue, list(targetRefValue, 1)).map(([a, b]) => ({ targetRef: a, targetRefs: b })), weight: 3 },
    { arbitrary: fc.array(targetRefValue, { minLength: 17, maxLength: 17 }).map((t) => ({ targetRefs: t })), weight: 1 },
  );

  // ---------------------------------------------------------------- AuthorizationPolicy

  const sourceModel = {
    principals: list(principal),
    notPrincipals: list(principal),
    requestPrincipals: list(requestPrincipal),
    notRequestPrincipals: list(requestPrincipal),
    namespaces: list(namespaceValue),
    notNamespaces: list(namespaceValue),
    ipBlocks: list(ipValue),
    notIpBlocks: list(ipValue),
    remoteIpBlocks: list(ipValue),
    notRemoteIpBlocks: list(ipValue),
    serviceAccounts: fc.oneof({ arbitrary: list(serviceAccountValue), weight: 10 }, { arbitrary: fc.array(pick('foo/bar', 'baz'), { minLength: 16, maxLength: 17 }), weight: 1 }),
    notServiceAccounts: list(serviceAccountValue),
    trustDomains: list(trustDomainValue),
    notTrustDomains: list(trustDomainValue),
  };
  const source: fc.Arbitrary<Obj> = partial(sourceModel, 0.12);

  const operationModel = {
    hosts: list(hostValue),
    notHosts: list(hostValue),
    ports: list(portValue),
    notPorts: list(portValue),
    methods: list(methodValue),
    notMethods: list(methodValue),
    paths: list(pathValue),
    notPaths: list(pathValue),
  };
  const operation: fc.Arbitrary<Obj> = partial(operationModel, 0.25);

  const headerName = pick('x-foo', ':method', 'User-Agent');
  const conditionKey = biased(
    pick(
      'request.headers[x-token]',
      'source.ip',
      'remote.ip',
      'destination.ip',
      'destination.port',
      'source.namespace',
      'source.principal',
      'source.serviceAccount',
      'source.trustDomain',
      'request.auth.principal',
      'request.auth.audiences',
      'request.auth.presenter',
      'request.auth.claims[groups]',
      'request.auth.claims[nested][key]',
      'connection.sni',
      'experimental.envoy.filters.network.mysql_proxy[db.table]',
    ),
    pick(
      'request.headers',
      'request.headers[]',
      '[x]',
      'request.auth.claims',
      'request.auth.claims[]',
      'experimental.envoy.filters.foo',
      'destination.namespace',
      'destination.labels[app]',
      'destination.name',
      'destination.user',
      'foo.bar',
      '',
      'Source.ip',
      'request.headers[x',
    ),
    2,
  );
  function conditionValues(key: string): fc.Arbitrary<unknown[]> {
    if (/^(source|remote|destination)\.ip$/.test(key)) return list(ipValue);
    if (key === 'destination.port') return list(portValue);
    if (key === 'source.serviceAccount') return list(serviceAccountValue);
    if (key === 'source.trustDomain') return list(trustDomainValue);
    if (key === 'source.namespace') return list(namespaceValue);
    return list(biased(pick('v1', 'admin', '*', 'prefix*', '*suffix', 'a b'), fc.oneof({ arbitrary: pick(''), weight: 3 }, { arbitrary: pick<unknown>(true, 42), weight: 1 }), 1, 12));
  }
  const condition: fc.Arbitrary<Obj> = fc
    .tuple(conditionKey, headerName)
    .chain(([key]) =>
      fc.oneof(
        { arbitrary: conditionValues(key).map((values) => ({ key, values })), weight: 10 },
        { arbitrary: conditionValues(key).map((notValues) => ({ key, notValues })), weight: 4 },
        { arbitrary: fc.tuple(conditionValues(key), conditionValues(key)).map(([values, notValues]) => ({ key, values, notValues })), weight: 2 },
        { arbitrary: fc.constant({ key }), weight: 1 },
        { arbitrary: conditionValues(key).map((values) => ({ values })), weight: 1 },
      ),
    );

  const fromEntry: fc.Arbitrary<unknown> = biased(
    source.filter((s) => Object.keys(s).length > 0).map((s) => ({ source: s })),
    pick<unknown>({}, { source: {} }, null),
    1,
    12,
  );
  const toEntry: fc.Arbitrary<unknown> = biased(
    operation.filter((o) => Object.keys(o).length > 0).map((o) => ({ operation: o })),
    pick<unknown>({}, { operation: {} }, null),
    1,
    12,
  );
  const rule: fc.Arbitrary<unknown> = biased(
    partial(
      {
        from: biased(list(fromEntry, 2), pick([]), 1, 12),
        to: biased(list(toEntry, 2), pick([]), 1, 12),
        when: biased(list(condition, 2), pick<unknown[]>([], [null]), 1, 12),
      },
      0.5,
    ),
    pick<unknown>(null),
    1,
    25,
  );

  const action = biased(pick(undefined, 'ALLOW', 'DENY', 'AUDIT', 'CUSTOM'), pick('allow', 'REJECT', ''), 1, 12);
  const provider = pick<unknown>({ name: 'ext-authz' }, { name: '' }, {});

  const authorizationPolicySpec: fc.Arbitrary<Obj> = fc
    .record({
      targeting,
      action,
      provider: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: provider, weight: 1 }),
      rules: fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 2 },
        { arbitrary: fc.constant([]), weight: 1 },
        { arbitrary: fc.array(rule, { minLength: 1, maxLength: 3 }), weight: 12 },
      ),
    })
    .map(({ targeting: t, action: a, provider: p, rules }) => {
      const spec: Obj = { ...t };
      if (a !== undefined) spec['action'] = a;
      // A CUSTOM policy usually names its provider; other actions only sometimes carry one (W12).
      if (a === 'CUSTOM' && p === undefined) spec['provider'] = { name: 'ext-authz' };
      if (p !== undefined) spec['provider'] = p;
      if (rules !== undefined) spec['rules'] = rules;
      return spec;
    });

  // ---------------------------------------------------------------- PeerAuthentication

  const mtlsMode = biased(pick('UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT'), pick<unknown>('strict', 'BOGUS', '', 1));
  const portKey = biased(pick('8080', '80', '65535', '1', '9000'), pick('0', '65536', 'abc', '-1', '080'));
  const portLevelMtls: fc.Arbitrary<Obj> = biased(
    fc.dictionary(portKey, mtlsMode.map((mode) => ({ mode })), { minKeys: 1, maxKeys: 2 }),
    pick<Obj>({}, { '8080': {} }),
    1,
    6,
  );
  const peerAuthenticationSpec: fc.Arbitrary<Obj> = fc
    .record({
      selector: fc.oneof({ arbitrary: fc.constant(undefined), weight: 10 }, { arbitrary: selector, weight: 20 }, { arbitrary: pick({ matchLabels: {} }, {}), weight: 2 }),
      mtls: fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary: mtlsMode.map((mode) => ({ mode })), weight: 8 }, { arbitrary: fc.constant({}), weight: 1 }),
      portLevelMtls: fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary: portLevelMtls, weight: 2 }),
    })
    .map((r) => {
      const spec: Obj = {};
      for (const [k, v] of Object.entries(r)) if (v !== undefined) spec[k] = v;
      return spec;
    });

  // ---------------------------------------------------------------- RequestAuthentication

  const jwtRuleModel = {
    issuer: biased(pick('https://issuer.example.com', 'testing@secure.istio.io', 'issuer'), pick('')),
    audiences: list(biased(pick('app', 'https://api.example.com'), pick(''))),
    jwksUri: biased(
      pick('https://issuer.example.com/.well-known/jwks.json', 'http://jwks.default.svc:8000/jwks', 'https://example.com:8443/keys'),
      pick('', 'ftp://example.com/jwks', 'example.com/jwks', 'https://example.com:port/jwks', 'https://', 'HTTPS://example.com/jwks', `https://example.com/${'a'.repeat(2040)}`),
    ),
    jwks: biased(pick(JWKS_PUBLIC), pick('not json', '{}', '{"keys": []}', JWKS_PRIVATE, ''), 1, 2),
    fromHeaders: list(biased(pick<unknown>({ name: 'Authorization', prefix: 'Bearer ' }, { name: 'x-jwt' }), pick<unknown>({ name: '' }, { prefix: 'Bearer ' }, {}))),
    fromParams: list(biased(pick('token', 'access_token'), pick(''))),
    fromCookies: list(biased(pick('session'), pick(''))),
    forwardOriginalToken: fc.boolean(),
    outputPayloadToHeader: biased(pick('x-jwt-payload'), pick('', ':authority', 'bad header')),
    outputClaimToHeaders: list(
      biased(
        pick<unknown>({ header: 'x-sub', claim: 'sub' }, { header: 'x_group-1', claim: 'groups' }),
        pick<unknown>({ header: ':authority', claim: 'sub' }, { header: '', claim: 'sub' }, { header: 'x-sub', claim: '' }, { header: 'x-sub' }, { claim: 'sub' }, { header: 'x sub', claim: 'sub' }),
      ),
    ),
    timeout: biased(pick('5s', '1ms', '10s', '1.5s', '2m'), pick('500us', '0s', '-1s', 'abc', '1.5ms', '1ns', '0.0015s', '1000000000s')),
    spaceDelimitedClaims: list(biased(pick('scope', 'permissions'), pick(''))),
  };
  const jwtRule: fc.Arbitrary<Obj> = fc.oneof(
    { arbitrary: partial(jwtRuleModel, 0.2).map((r) => ({ issuer: 'https://issuer.example.com', ...r })), weight: 8 },
    { arbitrary: partial(jwtRuleModel, 0.2), weight: 1 },
    {
      arbitrary: fc.constantFrom<Obj>(
        { issuer: 'x', jwksUri: 'https://a/jwks', jwks: JWKS_PUBLIC },
        { issuer: 'x', jwks_uri: 'https://a/jwks' },
        { issuer: 'x', jwks_uri: 'https://a/jwks', jwksUri: 'https://a/jwks' },
        {},
        // `presence` (istio-authz.md R14) is newer than the pinned Istio: an unknown field there.
        { issuer: 'x', presence: 'REQUIRED' },
      ),
      weight: 1,
    },
  );
  const requestAuthenticationSpec: fc.Arbitrary<Obj> = fc
    .record({
      targeting,
      jwtRules: fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary: fc.constant([]), weight: 1 }, { arbitrary: list(jwtRule, 2), weight: 12 }),
    })
    .map(({ targeting: t, jwtRules }) => (jwtRules === undefined ? { ...t } : { ...t, jwtRules }));

  // ---------------------------------------------------------------- documents

  const apiVersion = biased(pick('security.istio.io/v1', 'security.istio.io/v1beta1'), pick('security.istio.io/v2', 'security.istio.io/v1alpha1'), 1, 40);
  const resourceName = biased(pick('policy', 'allow-frontend', 'deny.admin', 'p1'), pick('Bad_Name', '', '-x', 'x'.repeat(254)), 1, 40);
  const resourceNamespace = biased(pick('foo', 'default', 'istio-system', undefined), pick('Bad_NS', 'a.b'), 1, 40);
  const dryRun = biased(pick('true', 'false', 'TRUE', '1'), pick('foo', '', 'yes'), 1, 2);

  /** Occasionally adds an unknown field at spec level or inside the first rule (strict field validation). */
  function withUnknownField(spec: Obj, where: number): Obj {
    if (where === 0) return { ...spec, bogusField: 'x' };
    const rules = spec['rules'];
    if (where === 1 && Array.isArray(rules) && rules[0] !== null && typeof rules[0] === 'object') {
      return { ...spec, rules: [{ ...(rules[0] as Obj), bogus: true }, ...rules.slice(1)] };
    }
    return spec;
  }

  /** Sets one spec field to null (the API server drops non-nullable nulls before validating). */
  function withNull(spec: Obj, which: number): Obj {
    const keys = Object.keys(spec);
    const key = which < 0 ? undefined : keys[which % Math.max(keys.length, 1)];
    return key === undefined ? spec : { ...spec, [key]: null };
  }

  function documentOf(kind: SecurityKind, spec: fc.Arbitrary<Obj>): fc.Arbitrary<GeneratedResource> {
    return fc
      .record({
        apiVersion,
        name: resourceName,
        namespace: resourceNamespace,
        dryRun: fc.oneof({ arbitrary: fc.constant(undefined), weight: kind === 'AuthorizationPolicy' ? 5 : 20 }, { arbitrary: dryRun, weight: 1 }),
        spec,
        unknown: noisy ? fc.oneof({ arbitrary: fc.constant(-1), weight: 15 }, { arbitrary: fc.integer({ min: 0, max: 1 }), weight: 1 }) : fc.constant(-1),
        nulled: noisy ? fc.oneof({ arbitrary: fc.constant(-1), weight: 15 }, { arbitrary: fc.nat(4), weight: 1 }) : fc.constant(-1),
      })
      .map(({ apiVersion: v, name, namespace, dryRun: d, spec: s, unknown, nulled }) => {
        const metadata: Obj = { name };
        if (namespace !== undefined) metadata['namespace'] = namespace;
        if (d !== undefined) metadata['annotations'] = { 'istio.io/dry-run': d };
        const object: Obj = { apiVersion: v, kind, metadata, spec: withNull(withUnknownField(s, unknown), nulled) };
        return { kind, object, text: stringify(object) };
      });
  }

  return {
    authorizationPolicySpec,
    peerAuthenticationSpec,
    requestAuthenticationSpec,
    authorizationPolicyDocument: documentOf('AuthorizationPolicy', authorizationPolicySpec),
    peerAuthenticationDocument: documentOf('PeerAuthentication', peerAuthenticationSpec),
    requestAuthenticationDocument: documentOf('RequestAuthentication', requestAuthenticationSpec),
  };
}

const clean = makeArbitraries(false);
const noisy = makeArbitraries(true);
const either = <T>(a: fc.Arbitrary<T>, b: fc.Arbitrary<T>): fc.Arbitrary<T> => fc.oneof(a, b);

export const authorizationPolicySpec = either(clean.authorizationPolicySpec, noisy.authorizationPolicySpec);
export const peerAuthenticationSpec = either(clean.peerAuthenticationSpec, noisy.peerAuthenticationSpec);
export const requestAuthenticationSpec = either(clean.requestAuthenticationSpec, noisy.requestAuthenticationSpec);
export const authorizationPolicyDocument = either(clean.authorizationPolicyDocument, noisy.authorizationPolicyDocument);
export const peerAuthenticationDocument = either(clean.peerAuthenticationDocument, noisy.peerAuthenticationDocument);
export const requestAuthenticationDocument = either(clean.requestAuthenticationDocument, noisy.requestAuthenticationDocument);

/** Any of the three kinds, AuthorizationPolicy most often (it has the most rules). */
export const securityDocument: fc.Arbitrary<GeneratedResource> = fc.oneof(
  { arbitrary: authorizationPolicyDocument, weight: 6 },
  { arbitrary: peerAuthenticationDocument, weight: 2 },
  { arbitrary: requestAuthenticationDocument, weight: 3 },
);

// ---------------------------------------------------------------- hand-picked edge cases

type Spec = Record<string, unknown>;
const documentText = (kind: SecurityKind, spec: Spec, meta: Spec = {}): string =>
  stringify({ apiVersion: 'security.istio.io/v1', kind, metadata: { name: 'p', namespace: 'foo', ...meta }, spec });
const ap = (spec: Spec, meta: Spec = {}): string => documentText('AuthorizationPolicy', spec, meta);
const pa = (spec: Spec, meta: Spec = {}): string => documentText('PeerAuthentication', spec, meta);
const ra = (spec: Spec, meta: Spec = {}): string => documentText('RequestAuthentication', spec, meta);
const to = (operation: Spec): Spec => ({ rules: [{ to: [{ operation }] }] });
const from = (source: Spec): Spec => ({ rules: [{ from: [{ source }] }] });
const when = (condition: Spec): Spec => ({ rules: [{ when: [condition] }] });

/**
 * Boundary inputs that random generation reaches rarely: Go's parsers at their edges (strconv ports,
 * netip addresses and prefixes, url.Parse, protobuf durations), path templates, when keys, identity
 * formats, label and name lengths, explicit empty lists and nulls, CUSTOM/DENY/AUDIT combinations.
 */
export function edgeCaseDocuments(): string[] {
  const texts: string[] = [];
  for (const p of ['080', '+80', ' 80', '0x50', '4294967296', '65535', '00000', '1_0', '٣']) texts.push(ap(to({ ports: [p] })));
  for (const ip of ['fe80::1%eth0', '1.2.3.4/08', '::ffff:1.2.3.4', '::ffff:1.2.3.4/120', '1.2.3.4/32 ', '0/0', '10.0.0.0/8', '1.2.3.4/0', 'fe80::/10', '::/0', '1.2.3.04']) {
    texts.push(ap(from({ ipBlocks: [ip] })), ap(when({ key: 'remote.ip', values: [ip] })));
  }
  for (const p of ['/foo/{*}/{**}', '/{**}', '/{*}', '/foo{*}', '/foo/{*}bar', '/foo/{**}/', '/foo/{*}/', '{**}', '/a/{*}/{*}/{**}', '/x/{**}/y/{**}', '/{ *}', '/a/b{', '/a/}', '/a/{}', '/*/{*}', '/a*/{*}', '*/{*}', '/a/{**}*']) {
    texts.push(ap(to({ paths: [p] })));
  }
  for (const sa of ['Foo/Bar', 'foo/bar/', `ns/${'s'.repeat(316)}`, 'n'.repeat(320), 'n'.repeat(321), 'a b', 'ns/sa.x', ' /sa']) {
    texts.push(ap(from({ serviceAccounts: [sa] })), ap(when({ key: 'source.serviceAccount', values: [sa] })));
  }
  for (const td of ['a.*', '*.', '.', '*', '**', '*a', 'a*', 'a/b', 'A.B', ' ']) {
    texts.push(ap(from({ trustDomains: [td] })), ap(when({ key: 'source.trustDomain', values: [td] })));
  }
  for (const key of [
    'request.headers[:authority]', 'request.headers[ ]', 'request.headers[a][b]', 'request.headers[a]b', 'request.auth.claims[a.b]', 'request.auth.claims[a][]',
    'experimental.envoy.filters.a[b]', 'experimental.envoy.filters.[b]', 'experimental.envoy.filters.a[b][c]', 'request.auth.claims[]x]', 'source.ip[x]',
    'request.headers[x]x]', 'request.regex.headers[x]', 'destination.labels', 'source.user', 'request.auth.raw_claims', 'connection.sni',
  ]) {
    texts.push(ap(when({ key, values: ['v'] })));
  }
  for (const v of ['', ' ', '*']) {
    texts.push(ap(when({ key: 'destination.port', values: [v] })), ap(when({ key: 'request.headers[x]', values: [v] })), ap(when({ key: 'source.namespace', notValues: [v] })));
  }
  for (const header of ['x', 'X_Y', 'x.y', 'x:y', '']) texts.push(ra({ jwtRules: [{ issuer: 'i', outputClaimToHeaders: [{ header, claim: 'c' }] }] }));
  for (const jwksUri of ['https://[::1]:8080/x', 'http://host:0/x', 'http://host:65536/x', 'https://user@host/x', 'https://host:/x', 'https://host?x', 'http://', 'https:///x', 'HTTP://h/x', 'https://h/x y', 'https://h:-1/x', 'https://h:08/x']) {
    texts.push(ra({ jwtRules: [{ issuer: 'i', jwksUri }] }));
  }
  for (const timeout of ['1ms', '0.001s', '0.0015s', '0.0009s', '1s', '1.5s', '-1s', '315576000001s', '0s', '1']) texts.push(ra({ jwtRules: [{ issuer: 'i', timeout }] }));
  for (const issuer of [' ', 'a b', '']) texts.push(ra({ jwtRules: [{ issuer, jwksUri: 'https://h/x' }] }));
  for (const jwks of ['{"keys":[{"kty":"oct","k":"AAAA"}]}', '{"keys":[{"kty":"RSA"}]}', '{"keys":[{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}]}', '{}', '[]', 'null', JWKS_PRIVATE]) {
    texts.push(ra({ jwtRules: [{ issuer: 'i', jwks }] }));
  }
  for (const d of ['True', 't', 'F', '0', 'yes', ' true']) texts.push(ap({ action: 'DENY', rules: [{}] }, { annotations: { 'istio.io/dry-run': d } }));
  for (const matchLabels of [{ 'example.com/app': 'x' }, { ['a'.repeat(64)]: 'x' }, { app: 'a'.repeat(63) }, { app: '' }, { 'a/b/c': 'x' }, { app: 'a b' }, { '': '' }]) {
    texts.push(ap({ selector: { matchLabels } }), pa({ selector: { matchLabels } }));
  }
  for (const name of ['a.b', 'A', 'a'.repeat(253), 'a'.repeat(254), 'a..b', '1a', 'a-']) texts.push(ap({}, { name }));
  for (const namespace of ['a.b', 'A', 'a'.repeat(63), 'a'.repeat(64)]) texts.push(ap({}, { namespace }));
  for (const port of ['80', ' 80', '8080.0', '1e3', '0', '65535', '65536']) texts.push(pa({ selector: { matchLabels: { app: 'x' } }, portLevelMtls: { [port]: { mode: 'STRICT' } } }));
  const withApp = { selector: { matchLabels: { app: 'x' } } };
  texts.push(pa({ ...withApp, portLevelMtls: { '80': {} } }), pa({ ...withApp, portLevelMtls: { '80': null } }), pa({ mtls: null }), pa({ mtls: { mode: null } }));
  const custom = { action: 'CUSTOM', provider: { name: 'x' } };
  texts.push(
    ap({ ...custom, rules: [{ when: [{ key: 'request.auth.claims[x]', values: ['a'] }] }] }),
    ap({ ...custom, rules: [{ from: [{ source: { ipBlocks: ['1.2.3.4'] } }] }] }),
    ap({ ...custom, rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }] }] }),
    ap({ ...custom, rules: [] }),
    ap({ ...custom }),
    ap({ action: 'DENY', rules: [] }),
  );
  texts.push(
    ap({ action: 'DENY', ...to({ methods: ['GET'], ports: ['80'] }) }),
    ap({ action: 'DENY', ...from({ requestPrincipals: ['*'] }) }),
    ap({ action: 'DENY', ...when({ key: 'request.headers[x]', values: ['a'] }) }),
    ap({ action: 'DENY', ...when({ key: 'request.auth.claims[x]', notValues: ['a'] }) }),
    ap({ action: 'DENY', ...to({ notPaths: ['/a'] }) }),
    ap({ action: 'DENY', rules: [{ to: [{ operation: { hosts: ['a'] } }] }, { to: [{ operation: { ports: ['80'] } }] }] }),
    ap({ action: 'AUDIT', ...to({ methods: ['GET'] }) }),
    ap({ action: 'DENY', rules: [{ to: [{ operation: { methods: ['GET'] } }], when: [{ key: 'destination.port', values: ['80'] }] }] }),
  );
  texts.push(
    ap({ targetRef: { kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'x' }, targetRefs: [] }),
    ap({ selector: {}, targetRefs: [] }),
    ap({ selector: null, targetRef: null }),
    ap({ targetRefs: [{ kind: 'Service', group: 'core', name: 'x' }] }),
    ap({ targetRefs: [{ kind: 'ServiceEntry', group: 'networking.istio.io', name: 'x', namespace: 'foo' }] }),
  );
  texts.push(
    ap({ rules: [{ from: [{ source: { principals: ['a'] } }], to: [] }] }),
    ap({ rules: [{ from: [] }] }),
    ap({ rules: [{ when: [] }] }),
    ap({ rules: [{ when: [{ key: 'source.ip', values: [], notValues: [] }] }] }),
    ap({ rules: [{ when: [{ key: 'source.ip', values: [] }] }] }),
    ap({ rules: [{ from: [{ source: { principals: [] } }] }] }),
    ap({ rules: [{ to: [{ operation: { methods: [] } }] }] }),
  );
  return texts;
}
