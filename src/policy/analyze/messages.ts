// The analyzer message catalog (docs/analyzers.md): one entry per stable GIC code with its level, the
// message template (named `{arguments}`), the equivalent istioctl (IST) / Kiali (KIA) codes and the docs
// anchor. Codes are never reused or renumbered; GIC000-GIC099 are reserved. Data only: analyzers render
// messages through `renderMessage`, so a template and its arguments are checked by the compiler.

export type Level = 'error' | 'warning' | 'info';

export const LEVEL_RANK: Readonly<Record<Level, number>> = { info: 0, warning: 1, error: 2 };

const DOCS = 'docs/analyzers.md';

export const MESSAGES = {
  GIC100: { level: 'error', title: 'AuthorizationPolicyInvalid', template: '{kind} {ref} is rejected: {detail}', refs: ['IST0106'] },
  GIC101: { level: 'warning', title: 'AuthorizationPolicyValidationWarning', template: '{kind} {ref}: {detail}', refs: ['IST0133'] },
  GIC102: { level: 'error', title: 'SourceNamespaceNotFound', template: '{field} names namespace "{namespace}", which does not exist in the mesh', refs: ['IST0101', 'KIA0101'] },
  GIC103: { level: 'warning', title: 'PolicyAppliesToNoWorkload', template: '{ref} applies to no in-mesh workload: {why}', refs: ['IST0127', 'KIA0004'] },
  GIC104: { level: 'warning', title: 'InvalidHttpMethod', template: 'method "{method}" {why}', refs: ['KIA0102'] },
  GIC105: { level: 'warning', title: 'HostMismatch', template: 'host "{host}" {why}', refs: ['KIA0104'] },
  GIC106: { level: 'warning', title: 'UnknownPrincipal', template: '{field} value "{value}" {why}', refs: ['KIA0106', 'KIA0108'] },
  GIC107: { level: 'error', title: 'IdentityFieldsWithPlaintext', template: '{action} rule {rule} uses {fields} on {workload}, which accepts plaintext ({mode} on port {port})', refs: ['KIA0105'] },
  GIC108: { level: 'error', title: 'HttpFieldsOnTcpPort', template: '{action} rule {rule} uses HTTP-only {fields} but {workload} port {port} is TCP ({why})', refs: [] },
  GIC109: { level: 'error', title: 'JwtFieldsWithoutRequestAuthentication', template: '{action} rule {rule} uses {fields} but no RequestAuthentication covers {workload}', refs: [] },
  GIC110: { level: 'warning', title: 'RequestPrincipalMismatch', template: 'request principal "{value}" {why}', refs: [] },
  GIC111: { level: 'warning', title: 'LiteralWildcard', template: '{field} value "{value}" has a "*" that Istio matches literally (only a leading or trailing "*" is a wildcard)', refs: [] },
  GIC112: { level: 'info', title: 'AllowNothing', template: 'ALLOW policy {ref} has no rules: it denies every request to the workloads it selects', refs: [] },
  GIC113: { level: 'warning', title: 'IneffectiveRule', template: '{action} rule {rule} can never take effect: {why}', refs: [] },
  GIC114: { level: 'warning', title: 'RuleMatchesNothing', template: '{action} rule {rule} matches no request: {why}', refs: [] },
  GIC115: { level: 'warning', title: 'SplitRule', template: '{action} rule {toRule} has only `to` and rule {fromRule} has only `from`: they are OR-ed, so {effect}', refs: [] },
  GIC116: { level: 'error', title: 'UnknownCustomProvider', template: 'CUSTOM provider "{provider}" {why}', refs: [] },
  GIC117: { level: 'warning', title: 'PolicyIgnoredByDataplane', template: '{ref} {why}', refs: ['IST0166', 'KIA0109', 'KIA0110'] },
  GIC118: { level: 'warning', title: 'ServicePortInsteadOfTargetPort', template: 'port {port} is a port of Service {service}, which sends it to workload port {targetPort}', refs: [] },
  GIC119: { level: 'warning', title: 'OverBroadGrant', template: 'ALLOW rule {rule} of {ref} {why}', refs: [] },
  GIC120: { level: 'info', title: 'DryRun', template: '{ref} has istio.io/dry-run: "{value}": it is evaluated and logged but not enforced', refs: [] },
  GIC121: { level: 'info', title: 'AuditWithoutProvider', template: 'AUDIT policy {ref} marks requests for audit, but MeshConfig configures no audit provider', refs: [] },
  GIC122: { level: 'info', title: 'UncoveredWorkload', template: 'workload {workload} is covered by no AuthorizationPolicy, unlike {covered} in namespace {namespace}', refs: ['KIA1301'] },
  GIC123: { level: 'warning', title: 'ProbesDeniedByDefaultDeny', template: 'ALLOW policy {ref} applies to {workload}, whose health probe on port {port} is not rewritten by the sidecar', refs: [] },
  GIC124: { level: 'warning', title: 'PathNormalizationBypass', template: '{field} value "{value}" can be bypassed with "{bypass}" ({how}) under pathNormalization {normalization}', refs: [] },
  GIC200: { level: 'error', title: 'PeerAuthenticationInvalid', template: '{kind} {ref} is rejected: {detail}', refs: ['IST0106'] },
  GIC201: { level: 'error', title: 'ConflictingPeerAuthentication', template: '{ref} {why}', refs: ['KIA0002', 'KIA0003'] },
  GIC202: { level: 'warning', title: 'PeerAuthenticationSelectsNothing', template: '{ref} selector {selector} matches no workload in namespace {namespace}', refs: ['KIA0004'] },
  GIC203: { level: 'warning', title: 'PortLevelMtlsUnknownPort', template: 'portLevelMtls port {port} is not a port of the selected workloads ({ports})', refs: [] },
  GIC204: { level: 'warning', title: 'RootNamespaceSelector', template: '{ref} has a selector but is in the root namespace {namespace}: istiod ignores it', refs: [] },
  GIC300: { level: 'error', title: 'RequestAuthenticationInvalid', template: '{kind} {ref} is rejected: {detail}', refs: ['IST0106'] },
  GIC301: { level: 'warning', title: 'RequestAuthenticationSelectsNothing', template: '{ref} {why}', refs: ['KIA0004'] },
  GIC302: { level: 'warning', title: 'TokenNotRequired', template: '{ref} validates tokens on {workload}, but no AuthorizationPolicy there requires one', refs: [] },
  GIC303: { level: 'warning', title: 'DuplicateIssuer', template: 'issuer "{issuer}" is configured twice for {workload} ({others})', refs: [] },
  GIC304: { level: 'info', title: 'JwksFetchUnrestricted', template: '{ref} makes istiod fetch JWKS, and istiod {istiod} does not set BLOCKED_CIDRS_IN_JWKS_URIS', refs: ['IST0175'] },
  GIC500: { level: 'error', title: 'GerritGroupNotFound', template: '{detail}', refs: [] },
  GIC501: { level: 'warning', title: 'GerritGroupEmpty', template: '{detail}', refs: [] },
  GIC502: { level: 'warning', title: 'GerritRoleDrift', template: '{detail}', refs: [] },
  GIC600: { level: 'error', title: 'InputError', template: 'input error, left out of the analysis: {detail}', refs: [] },
} as const satisfies Readonly<Record<string, { level: Level; title: string; template: string; refs: readonly string[] }>>;

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
