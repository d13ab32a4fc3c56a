// The analyzer message catalog (docs/analyzers.md): one entry per stable GIC code with its level, a
// title, a description of the condition (plain text, shown as it is, e.g. as SARIF rule descriptions),
// the message template (named `{arguments}`), the equivalent istioctl (IST) / Kiali (KIA) codes and the
// docs anchor. Codes are never reused or renumbered; GIC000-GIC099 are reserved. Data only: analyzers render
// messages through `renderMessage`, so a template and its arguments are checked by the compiler.

export type Level = 'error' | 'warning' | 'info';

export const LEVEL_RANK: Readonly<Record<Level, number>> = { info: 0, warning: 1, error: 2 };

const DOCS = 'docs/analyzers.md';

export const MESSAGES = {
  GIC100: { level: 'error', title: 'AuthorizationPolicyInvalid', description: 'The AuthorizationPolicy breaks a CRD schema rule, a CEL rule or an istiod webhook rule: the API server or istiod rejects it, so it takes no part in the mesh.', template: '{kind} {ref} is rejected: {detail}', refs: ['IST0106'] },
  GIC101: { level: 'warning', title: 'AuthorizationPolicyValidationWarning', description: 'istiod accepts the AuthorizationPolicy with a warning (a selector without labels, a DENY rule with only HTTP attributes and no ports, ...).', template: '{kind} {ref}: {detail}', refs: ['IST0133'] },
  GIC102: { level: 'error', title: 'SourceNamespaceNotFound', description: 'source.namespaces or notNamespaces names a namespace that does not exist in the mesh (patterns honoured).', template: '{field} names namespace "{namespace}", which does not exist in the mesh', refs: ['IST0101', 'KIA0101'] },
  GIC103: { level: 'warning', title: 'PolicyAppliesToNoWorkload', description: 'The policy applies to no in-mesh workload: its selector matches none, it is namespace-wide in a namespace with none, a root-namespace selector matches none anywhere, or a targetRef names a missing target.', template: '{ref} applies to no in-mesh workload: {why}', refs: ['IST0127', 'KIA0004'] },
  GIC104: { level: 'warning', title: 'InvalidHttpMethod', description: 'A method that is not an HTTP method, or not upper case (Istio compares methods case-sensitively).', template: 'method "{method}" {why}', refs: ['KIA0102'] },
  GIC105: { level: 'warning', title: 'HostMismatch', description: 'A host that matches no Service host, or an exact host without a :port variant while clients may send a port.', template: 'host "{host}" {why}', refs: ['KIA0104'] },
  GIC106: { level: 'warning', title: 'UnknownPrincipal', description: 'A principal or service account that names no ServiceAccount, or a trust domain that is neither the mesh trust domain nor an alias.', template: '{field} value "{value}" {why}', refs: ['KIA0106', 'KIA0108'] },
  GIC107: { level: 'error', title: 'IdentityFieldsWithPlaintext', description: 'Identity fields (principals, namespaces, serviceAccounts, trustDomains, their not* forms, source.* identity conditions, connection.sni) on a workload port that accepts plaintext, with a witness that shows a plaintext caller decided otherwise than the rule reads. The level follows the harm: error when the callers the rule names connect without mTLS or a not*-only ALLOW admits plaintext, warning when a DENY can be slipped past or a gateway denies outside clients, info when an ALLOW rule denies plaintext callers it does not name.', template: '{action} rule {rule} uses {fields} on {workload}, which accepts plaintext ({mode} on port {port})', refs: ['KIA0105'] },
  GIC108: { level: 'error', title: 'HttpFieldsOnTcpPort', description: 'HTTP-only fields in a rule that applies to a TCP port change a decision there: istiod drops a whole ALLOW rule (a TCP connection the rule was meant to allow is denied) and only the fields of a DENY or CUSTOM rule (a TCP connection it would not match as written is denied, or sent to the ext-authz provider). Proven by a witness evaluated with and without the dropped fields.', template: '{action} rule {rule} uses HTTP-only {fields} but {workload} port {port} is TCP ({why})', refs: [] },
  GIC109: { level: 'error', title: 'JwtFieldsWithoutRequestAuthentication', description: 'requestPrincipals, notRequestPrincipals or request.auth.* on a workload that no RequestAuthentication covers: ALLOW rules never match, notRequestPrincipals DENY rules deny every request.', template: '{action} rule {rule} uses {fields} but no RequestAuthentication covers {workload}', refs: [] },
  GIC110: { level: 'warning', title: 'RequestPrincipalMismatch', description: 'A request principal that is not iss/sub shaped, or whose issuer no RequestAuthentication of the workload accepts.', template: 'request principal "{value}" {why}', refs: [] },
  GIC111: { level: 'warning', title: 'LiteralWildcard', description: 'A "*" inside a value where Istio matches it literally (principals, paths, hosts, methods; not namespaces).', template: '{field} value "{value}" has a "*" that Istio matches literally (only a leading or trailing "*" is a wildcard)', refs: [] },
  GIC112: { level: 'info', title: 'AllowNothing', description: 'An ALLOW policy with no rules: every request to its workloads is denied unless another ALLOW policy allows it.', template: 'ALLOW policy {ref} has no rules: it denies every request to the workloads it selects', refs: [] },
  GIC113: { level: 'warning', title: 'IneffectiveRule', description: 'A rule that can never take effect: an ALLOW rule wholly covered by DENY rules, or a rule wholly covered by another rule of the same action.', template: '{action} rule {rule} can never take effect: {why}', refs: [] },
  GIC114: { level: 'warning', title: 'RuleMatchesNothing', description: 'A rule that matches no request: contradictory fields (paths inside notPaths, ports the workload does not expose).', template: '{action} rule {rule} matches no request: {why}', refs: [] },
  GIC115: { level: 'warning', title: 'SplitRule', description: 'A rule with only `to` next to a rule with only `from`: the YAML dash mistake, two rules OR-ed where one was meant.', template: '{action} rule {toRule} has only `to` and rule {fromRule} has only `from`: they are OR-ed, so {effect}', refs: [] },
  GIC116: { level: 'error', title: 'UnknownCustomProvider', description: 'A CUSTOM policy whose provider is not an extensionProvider of MeshConfig: matching requests are denied.', template: 'CUSTOM provider "{provider}" {why}', refs: [] },
  GIC117: { level: 'warning', title: 'PolicyIgnoredByDataplane', description: 'A policy the data plane ignores or may ignore: targetRefs on sidecar workloads, a selector on waypoint pods or on the pods of a Gateway-API gateway, L7 rules left to ztunnel in ambient mode without a waypoint.', template: '{ref} {why}', refs: ['IST0166', 'KIA0109', 'KIA0110'] },
  GIC118: { level: 'warning', title: 'ServicePortInsteadOfTargetPort', description: 'A port in `ports` that is a Service port, not the workload port it sends traffic to.', template: 'port {port} is a port of Service {service}, which sends it to workload port {targetPort}', refs: [] },
  GIC119: { level: 'warning', title: 'OverBroadGrant', description: 'An over-broad grant: allow-all (`rules: [{}]`) or `principals: ["*"]` with no other constraint, in the root namespace or on a workload that also has narrower ALLOW policies.', template: 'ALLOW rule {rule} of {ref} {why}', refs: [] },
  GIC120: { level: 'info', title: 'DryRun', description: 'The istio.io/dry-run annotation: the policy is evaluated and logged but not enforced.', template: '{ref} has istio.io/dry-run: "{value}": it is evaluated and logged but not enforced', refs: [] },
  GIC121: { level: 'info', title: 'AuditWithoutProvider', description: 'An AUDIT policy while MeshConfig configures no audit provider: nothing records the audited requests.', template: 'AUDIT policy {ref} marks requests for audit, but MeshConfig configures no audit provider', refs: [] },
  GIC122: { level: 'info', title: 'UncoveredWorkload', description: 'A workload that no AuthorizationPolicy covers while other workloads of its namespace are covered.', template: 'workload {workload} is covered by no AuthorizationPolicy, unlike {covered} in namespace {namespace}', refs: ['KIA1301'] },
  GIC123: { level: 'warning', title: 'ProbesDeniedByDefaultDeny', description: 'A sidecar workload whose health probes the sidecar does not rewrite, and whose kubelet probe (plaintext, no identity) is rejected by any layer: STRICT mTLS, a DENY rule, the default deny of ALLOW policies, a CUSTOM provider.', template: "{layer} rejects the kubelet's {probe} probe of {workload} on port {port}, which the sidecar does not rewrite", refs: [] },
  GIC124: { level: 'warning', title: 'PathNormalizationBypass', description: 'Path normalization risk: a DENY on paths, or notPaths in an ALLOW, that a request differing only by case, duplicate slashes, encoded characters or a trailing slash can bypass under the pathNormalization of the mesh.', template: '{field} value "{value}" can be bypassed with "{bypass}" ({how}) under pathNormalization {normalization}', refs: [] },
  GIC125: { level: 'warning', title: 'TimeBoundGrantExpired', description: 'A time-bound grant whose policy.gic/expires annotation has passed at the analysis time (an input of the analysis), or is not an RFC 3339 date-time: the access it grants should already have been removed.', template: '{ref} has policy.gic/expires "{value}": {why}', refs: [] },
  GIC200: { level: 'error', title: 'PeerAuthenticationInvalid', description: 'The PeerAuthentication breaks a CRD schema, CEL or istiod webhook rule and is rejected.', template: '{kind} {ref} is rejected: {detail}', refs: ['IST0106'] },
  GIC201: { level: 'error', title: 'ConflictingPeerAuthentication', description: 'More than one selector-less PeerAuthentication in a namespace, or more than one selecting the same workload: only the oldest takes effect.', template: '{ref} {why}', refs: ['KIA0002', 'KIA0003'] },
  GIC202: { level: 'warning', title: 'PeerAuthenticationSelectsNothing', description: 'The PeerAuthentication selector matches no workload.', template: '{ref} selector {selector} matches no workload in namespace {namespace}', refs: ['KIA0004'] },
  GIC203: { level: 'warning', title: 'PortLevelMtlsUnknownPort', description: 'portLevelMtls names a port the selected workloads do not expose.', template: 'portLevelMtls port {port} is not a port of the selected workloads ({ports})', refs: [] },
  GIC204: { level: 'warning', title: 'RootNamespaceSelector', description: 'A PeerAuthentication with a selector in the root namespace: istiod ignores it.', template: '{ref} has a selector but is in the root namespace {namespace}: istiod ignores it', refs: [] },
  GIC300: { level: 'error', title: 'RequestAuthenticationInvalid', description: 'The RequestAuthentication breaks a CRD schema, CEL or istiod webhook rule and is rejected.', template: '{kind} {ref} is rejected: {detail}', refs: ['IST0106'] },
  GIC301: { level: 'warning', title: 'RequestAuthenticationSelectsNothing', description: 'The RequestAuthentication selects no workload.', template: '{ref} {why}', refs: ['KIA0004'] },
  GIC302: { level: 'warning', title: 'TokenNotRequired', description: 'A RequestAuthentication with no AuthorizationPolicy requiring a token on the same workloads: requests without a token are accepted.', template: '{ref} validates tokens on {workload}, but no AuthorizationPolicy there requires one', refs: [] },
  GIC303: { level: 'warning', title: 'DuplicateIssuer', description: 'Two jwtRules on one workload with the same issuer.', template: 'issuer "{issuer}" is configured twice for {workload} ({others})', refs: [] },
  GIC304: { level: 'info', title: 'JwksFetchUnrestricted', description: 'RequestAuthentication in use while istiod does not restrict the addresses it fetches JWKS from (BLOCKED_CIDRS_IN_JWKS_URIS).', template: '{ref} makes istiod fetch JWKS, and istiod {istiod} does not set BLOCKED_CIDRS_IN_JWKS_URIS', refs: ['IST0175'] },
  GIC500: { level: 'error', title: 'GerritGroupNotFound', description: 'A policy matches a Gerrit group (groups claim) that does not exist in Gerrit.', template: '{detail}', refs: [] },
  GIC501: { level: 'warning', title: 'GerritGroupEmpty', description: 'A policy grants access to a Gerrit group with no members.', template: '{detail}', refs: [] },
  GIC502: { level: 'warning', title: 'GerritRoleDrift', description: 'Drift: the access the role mapping of a group defines differs from the access the mesh grants it.', template: '{detail}', refs: [] },
} as const satisfies Readonly<Record<string, { level: Level; title: string; description: string; template: string; refs: readonly string[] }>>;

export type Code = keyof typeof MESSAGES;

/** Codes of the catalog that exist only in code history: never reuse them. None yet. */
export const RETIRED_CODES: readonly string[] = [];

type TemplateArgs<T extends string> = T extends `${string}{${infer Name}}${infer Rest}` ? Name | TemplateArgs<Rest> : never;

/** The named arguments a code's template needs. */
export type MessageArgs<C extends Code> = Readonly<Record<TemplateArgs<(typeof MESSAGES)[C]['template']>, string | number>>;

/** Renders a code's template; a missing argument is a programmer error. */
export function renderMessage<C extends Code>(code: C, args: MessageArgs<C>): string {
  const template: string = MESSAGES[code].template;
  return template.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => {
    const value = (args as Readonly<Record<string, string | number | undefined>>)[name];
    if (value === undefined) throw new Error(`${code}: missing message argument ${name}`);
    return String(value);
  });
}

/** Where a code is documented. */
export function docsOf(code: Code): string {
  return `${DOCS}#${code.toLowerCase()}`;
}
