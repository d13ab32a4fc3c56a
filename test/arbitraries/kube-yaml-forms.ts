// fast-check arbitraries of Istio security documents written the many ways YAML allows, to check that
// gic reads a file as kubectl does (sigs.k8s.io/yaml over go-yaml v2, then the API server's JSON):
// every YAML 1.1 number, boolean and null form, explicit tags, quoting and escapes, block scalars,
// merge keys and anchors, non-string and complex map keys, a byte-order mark, directives, document
// markers and comments, CRLF; plus object metadata as the API server validates it (generateName,
// finalizers, ownerReferences, timestamps, null annotation and label values) and inline JWKS documents
// as Istio's JWKS parsing decodes them. Texts only: nothing here predicts a verdict.
import fc from 'fast-check';

/** Scalars whose reading differs between YAML 1.1 (go-yaml v2) and YAML 1.2, or between libraries. */
const SCALARS = [
  // YAML 1.1 numbers: octal, binary, underscores, signed prefixes, upper-case prefixes, floats.
  '0777', '017', '08', '0b101', '-0b11', '1_000', '1_', '+0x1F', '0X1F', '0x1F', '0o17', '0O17', '-0x10', '+12', '-0', '00',
  '1.', '.5', '+.5', '1e3', '1E3', '1e+3', '1e400', '1_0.5', '9223372036854775808', '18446744073709551616', '0x10000000000000000',
  '.inf', '-.Inf', '+.INF', '.nan', '.NaN',
  // Booleans and nulls of YAML 1.1, and look-alikes that stay strings.
  'y', 'Y', 'n', 'NO', 'On', 'OFF', 'True', 'FALSE', 'tRue', 'yEs', '~', 'null', 'Null', 'NULL', 'nUll',
  // Timestamps stay strings for go-yaml v2 decoding into interface{}.
  '2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10',
  // Explicit tags.
  '!!str 0777', '!!str yes', "!!int '0777'", '!!int "12"', '!!int "1_000"', '!!float "1"', '!!bool "yes"', '!!bool "1"', "!!null ''", '!!null x', '!!binary aGk=', '!foo bar', '!<tag:yaml.org,2002:str> 12',
  // Quoting and escapes.
  '"0777"', "'yes'", '"\\x41\\u00e9"', '"\\/"', "\"it\\'s\"", '"\\N\\_"', '"\\e"', '"\\ud800"', '"\\U0001F600"', '"\\x80"', "'it''s'", '"a\\tb"',
  // Plain scalars with indicators, spaces and comments.
  'a #b', 'a#b', '- a', 'a: b', '@a', '`a`', '%a', 'a ', "'a '",
] as const;

/** Map keys whose JSON form is not obvious: numbers (to strings), booleans, null, complex keys. */
const KEYS = ['80', '0x50', '017', '08', '1_0', '8080.0', '1e3', '.5', 'true', 'yes', 'on', '~', 'null', '"80"', '? 80', '[80]', '{a: 1}', '!!str 80', '-1', '+80', '0o120'] as const;

/** Inline JWKS documents: member types, base64 forms, padding, trailing data, private members. */
const JWKS = [
  '{"keys":[{"kty":"EC","crv":"P-256","x":"-_Osx6tekqo6_77Fg1Q5GwGAvLtUIduhI3y7o6CczO4","y":"olkQeesY0tJuPvYFfcyxqclWFpXZjd-hOfRujX_vcOs"}]}',
  '{"keys":[{"kty":"EC","crv":"P-256","x":"+/Osx6tekqo6/77Fg1Q5GwGAvLtUIduhI3y7o6CczO4=","y":"olkQeesY0tJuPvYFfcyxqclWFpXZjd+hOfRujX/vcOs="}]}',
  '{"keys":[{"kty":"EC","crv":"P-256","x":"-_Osx6tekqo6_77Fg1Q5GwGAvLtUIduhI3y7o6CczO4=","y":"olkQeesY0tJuPvYFfcyxqclWFpXZjd-hOfRujX_vcOs="}]}',
  '{"keys":[{"kty":"RSA","n":"sszbq1NfZap2IceUCO9rCF9ZYfHE3oU5m6Avgyxu1-_ZSZ6N4wA3I_bhlIbZBb5VBZWLuuXHdZ6y4ZNa7MI3Nm4J4UvxWeSBcQ","e":"AQAB"}]}',
  '{"keys":[{"kty":"RSA","n":"sszbq1NfZap2IceUCO9rCF9ZYfHE3oU5m6Avgyxu1-_ZSZ6N4wA3I_bhlIbZBb5VBZWLuuXHdZ6y4ZNa7MI3Nm4J4UvxWeSBcQ","e":65537}]}',
  '{"keys":[{"kty":1}]}',
  '{"keys":{}}',
  '{"keys":[]}',
  '{"keys":[{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}]}',
  '{"keys":[{"kty":"EC","crv":"P-256","x":"-_Osx6tekqo6_77Fg1Q5GwGAvLtUIduhI3y7o6CczO4","y":"olkQeesY0tJuPvYFfcyxqclWFpXZjd-hOfRujX_vcOs"}]} trailing',
  '{"keys":[{"kty":"EC","crv":"P-256","x":"-_Osx6tekqo6_77Fg1Q5GwGAvLtUIduhI3y7o6CczO4","y":"olkQeesY0tJuPvYFfcyxqclWFpXZjd-hOfRujX_vcOs"}]}{}',
  '{"keys":[{"kty":"EC","crv":"P-256","x":"-_Osx6tekqo6_77Fg1Q5GwGAvLtUIduhI3y7o6CczO4","y":"olkQeesY0tJuPvYFfcyxqclWFpXZjd-hOfRujX_vcOs","use":1}]}',
  '{"keys":[{"kty":"EC","crv":"P-256","x":"-_Osx6tekqo6_77Fg1Q5GwGAvLtUIduhI3y7o6CczO4","y":"olkQeesY0tJuPvYFfcyxqclWFpXZjd-hOfRujX_vcOs","x5c":"abc"}]}',
  '{"keys":[{"kty":"EC","crv":"P-256","x":"-_Osx6tekqo6_77Fg1Q5GwGAvLtUIduhI3y7o6CczO4","y":"olkQeesY0tJuPvYFfcyxqclWFpXZjd-hOfRujX_vcOs","d":"ZpKHqTeco053hyh2PDRFp5ehh2siPhG3TKWnIF-QNR4"}]}',
  '{"keys":[{"kty":"EC","crv":"P-384","x":"-_Osx6tekqo6_77Fg1Q5GwGAvLtUIduhI3y7o6CczO4","y":"olkQeesY0tJuPvYFfcyxqclWFpXZjd-hOfRujX_vcOs"}]}',
  '{"kty":"EC","crv":"P-256","x":"-_Osx6tekqo6_77Fg1Q5GwGAvLtUIduhI3y7o6CczO4","y":"olkQeesY0tJuPvYFfcyxqclWFpXZjd-hOfRujX_vcOs"}',
  ' {"keys":[]}',
  '{"keys":null}',
  '{"keys":[null]}',
  '{"keys":[{"kty":"EC","crv":"P-256","x":"!!!","y":"olkQeesY0tJuPvYFfcyxqclWFpXZjd-hOfRujX_vcOs"}]}',
  '{"Keys":[]}',
] as const;

/** Object metadata the API server validates beyond name/namespace/labels. */
const METADATA_EXTRAS = [
  'generateName: p-',
  'generateName: P-',
  'finalizers: [example.com/cleanup]',
  'finalizers: [kubernetes]',
  'finalizers: ["bad finalizer"]',
  'finalizers: [a/b/c]',
  'finalizers: [example.com/a, example.com/a]',
  'ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: c, uid: 1c5b3bd5-6d41-4a5e-9f8e-1a2b3c4d5e6f}]',
  'ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: c}]',
  'ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: c, uid: u, controller: true}, {apiVersion: v1, kind: Secret, name: s, uid: v, controller: true}]',
  'ownerReferences: [{apiVersion: "", kind: ConfigMap, name: c, uid: u}]',
  'creationTimestamp: 2024-01-01T00:00:00Z',
  'creationTimestamp: "2024-01-01T00:00:00Z"',
  'creationTimestamp: null',
  'creationTimestamp: yesterday',
  'creationTimestamp: 2024-01-01',
  'creationTimestamp: 1700000000',
  'deletionTimestamp: 2024-01-01T00:00:00Z',
  'deletionGracePeriodSeconds: 30',
  'uid: abc',
  'resourceVersion: "12"',
  'resourceVersion: 12',
  'generation: 3',
  'generation: "3"',
  'selfLink: /x',
  'labels: null',
  'labels: {app: null}',
  'annotations: null',
  'annotations: {istio.io/dry-run: null}',
  'annotations: {example.com/a: ~}',
  'annotations: {example.com/a: 1}',
  'annotations: {example.com/a: true}',
  'annotations: {istio.io/dry-run: yes}',
  'annotations: {istio.io/dry-run: true}',
  'managedFields: []',
  'managedFields: [{manager: kubectl, operation: Apply}]',
] as const;

const pick = <T>(values: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...values);

/** A scalar slot: block or flow sequence of one item, so every form sits where a string is expected. */
function documentWithScalar(kind: 'ap-principal' | 'ap-method' | 'ap-when' | 'label' | 'dry-run' | 'action' | 'mtls-mode' | 'issuer' | 'timeout', scalar: string): string {
  switch (kind) {
    case 'ap-principal':
      return `${AP_HEAD}spec:\n  rules:\n  - from:\n    - source:\n        principals:\n        - ${scalar}\n`;
    case 'ap-method':
      return `${AP_HEAD}spec:\n  rules:\n  - to:\n    - operation:\n        methods: [${scalar}]\n`;
    case 'ap-when':
      return `${AP_HEAD}spec:\n  rules:\n  - when:\n    - key: request.headers[x-a]\n      values:\n      - ${scalar}\n`;
    case 'label':
      return `${AP_HEAD}spec:\n  selector:\n    matchLabels:\n      app: ${scalar}\n`;
    case 'dry-run':
      return `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: p\n  namespace: foo\n  annotations:\n    istio.io/dry-run: ${scalar}\nspec:\n  action: DENY\n  rules:\n  - {}\n`;
    case 'action':
      return `${AP_HEAD}spec:\n  action: ${scalar}\n  rules:\n  - {}\n`;
    case 'mtls-mode':
      return `${PA_HEAD}spec:\n  mtls:\n    mode: ${scalar}\n`;
    case 'issuer':
      return `${RA_HEAD}spec:\n  jwtRules:\n  - issuer: ${scalar}\n`;
    case 'timeout':
      return `${RA_HEAD}spec:\n  jwtRules:\n  - issuer: i\n    timeout: ${scalar}\n`;
  }
}

const AP_HEAD = 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: p\n  namespace: foo\n';
const PA_HEAD = 'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: p\n  namespace: foo\n';
const RA_HEAD = 'apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata:\n  name: p\n  namespace: foo\n';

const scalarDocument: fc.Arbitrary<string> = fc
  .tuple(pick(['ap-principal', 'ap-method', 'ap-when', 'label', 'dry-run', 'action', 'mtls-mode', 'issuer', 'timeout'] as const), pick(SCALARS))
  .map(([kind, scalar]) => documentWithScalar(kind, scalar));

const keyDocument: fc.Arbitrary<string> = fc.tuple(pick(KEYS), fc.boolean()).map(([key, pa]) =>
  pa
    ? `${PA_HEAD}spec:\n  selector:\n    matchLabels:\n      app: x\n  portLevelMtls:\n    ${key}:\n      mode: STRICT\n`
    : `${AP_HEAD}spec:\n  selector:\n    matchLabels:\n      ${key}: x\n`,
);

const jwksDocument: fc.Arbitrary<string> = pick(JWKS).map((jwks) => `${RA_HEAD}spec:\n  jwtRules:\n  - issuer: i\n    jwks: '${jwks.replaceAll("'", "''")}'\n`);

const metadataDocument: fc.Arbitrary<string> = fc
  .tuple(pick(METADATA_EXTRAS), fc.boolean())
  .map(([extra, withName]) => `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n${withName ? '  name: p\n' : ''}  namespace: foo\n  ${extra}\nspec:\n  mtls:\n    mode: STRICT\n`);

/** Structure: anchors, aliases and merge keys (go-yaml v2 merges `<<` maps and lists of maps). */
const MERGES = [
  `${AP_HEAD}spec:\n  <<: {action: DENY}\n  rules:\n  - {}\n`,
  `${AP_HEAD}spec:\n  <<: [{action: DENY}, {action: AUDIT}]\n  rules:\n  - {}\n`,
  `${AP_HEAD}spec:\n  action: ALLOW\n  <<: {action: DENY}\n  rules:\n  - {}\n`,
  `${AP_HEAD}spec:\n  selector: &s\n    matchLabels:\n      app: x\n  rules:\n  - from:\n    - source:\n        namespaces: [a]\n  - to:\n    - operation: {methods: [GET]}\n    when: [{key: request.headers[x], values: [*s]}]\n`,
  `${AP_HEAD}spec:\n  rules:\n  - &r\n    to:\n    - operation: {methods: [GET]}\n  - <<: *r\n    from:\n    - source: {namespaces: [a]}\n`,
  `${AP_HEAD}spec:\n  rules:\n  - to:\n    - operation:\n        methods: &m [GET]\n        paths: *m\n`,
  `${AP_HEAD}spec:\n  <<: 1\n`,
  `${AP_HEAD}spec:\n  <<: *undefined\n`,
  `${AP_HEAD}spec:\n  <<: {selector: {matchLabels: {app: x}}}\n  <<: {action: DENY}\n  rules: [{}]\n`,
  `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: &meta\n  name: p\n  namespace: foo\nspec:\n  selector:\n    matchLabels: {<<: *meta}\n`,
  `${AP_HEAD}spec:\n  selector:\n    matchLabels:\n      ? app\n      : x\n`,
  `${AP_HEAD}spec:\n  selector:\n    matchLabels:\n      app: x\n      app: y\n`,
  `${AP_HEAD}spec:\n  selector:\n    matchLabels: {app: x, app: x}\n`,
  // an alias inside its own anchor (go-yaml v2: "anchor 'a' value contains itself")
  `${AP_HEAD}spec: &a\n  rules:\n  - from: [{source: {principals: [*a]}}]\n`,
  `${AP_HEAD}spec:\n  rules: &r\n  - to: [{operation: {methods: *r}}]\n`,
  // one anchor used far more often than the yaml library's default alias budget (100) allows
  `${AP_HEAD}spec:\n  rules:\n  - from: &f [{source: {namespaces: [a]}}]\n${Array.from({ length: 150 }, (_, i) => `  - from: *f\n    to: [{operation: {paths: ["/p${i}"]}}]\n`).join('')}`,
] as const;

/** Whole-file forms: byte-order mark, directives, document markers, comments, line endings. */
function wrapFile(body: string, form: number): string {
  switch (form) {
    case 0:
      return `\uFEFF${body}`;
    case 1:
      return `%YAML 1.1\n---\n${body}`;
    case 2:
      return `%YAML 1.2\n---\n${body}`;
    case 3:
      return `%TAG !e! tag:example.com,2000:\n---\n${body}`;
    case 4:
      return `---\n${body}...\n`;
    case 5:
      return `--- # first\n${body}---\n`;
    case 6:
      return `# comment\n\n${body}\n# trailing\n`;
    case 7:
      return body.replaceAll('\n', '\r\n');
    case 8:
      return `---\n---\n${body}`;
    case 9:
      return `--- !!map\n${body}`;
    case 10:
      return `${body}---\n...\n`;
    case 11:
      return `%YAML 1.1\n%YAML 1.1\n---\n${body}`;
    case 12:
      return `\uFEFF---\n${body}`;
    default:
      return body;
  }
}

/** One YAML text holding one Istio security resource, in one of the forms above. */
export const kubeYamlDocument: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(
      { arbitrary: scalarDocument, weight: 8 },
      { arbitrary: keyDocument, weight: 3 },
      { arbitrary: jwksDocument, weight: 2 },
      { arbitrary: metadataDocument, weight: 3 },
      { arbitrary: pick(MERGES), weight: 2 },
    ),
    fc.oneof({ arbitrary: fc.constant(-1), weight: 6 }, { arbitrary: fc.integer({ min: 0, max: 12 }), weight: 2 }),
  )
  .map(([body, form]) => wrapFile(body, form));

/** Every catalogued form once (scalars in each slot, keys in both maps, every JWKS, metadata, merge and file form). */
export function allKubeYamlForms(): string[] {
  const out: string[] = [];
  for (const scalar of SCALARS) for (const kind of ['ap-principal', 'ap-method', 'ap-when', 'label', 'dry-run', 'action', 'mtls-mode', 'issuer', 'timeout'] as const) out.push(documentWithScalar(kind, scalar));
  for (const key of KEYS) {
    out.push(`${PA_HEAD}spec:\n  selector:\n    matchLabels:\n      app: x\n  portLevelMtls:\n    ${key}:\n      mode: STRICT\n`, `${AP_HEAD}spec:\n  selector:\n    matchLabels:\n      ${key}: x\n`);
  }
  for (const jwks of JWKS) out.push(`${RA_HEAD}spec:\n  jwtRules:\n  - issuer: i\n    jwks: '${jwks.replaceAll("'", "''")}'\n`);
  for (const extra of METADATA_EXTRAS) out.push(`apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: p\n  namespace: foo\n  ${extra}\nspec:\n  mtls:\n    mode: STRICT\n`);
  out.push(...MERGES);
  for (let form = 0; form <= 12; form++) out.push(wrapFile(`${PA_HEAD}spec:\n  mtls:\n    mode: STRICT\n`, form));
  return out;
}
