// Every validation rule gic implements, by stable id: the layer that enforces it in a real cluster (the
// API server's CRD schema or CEL, istiod's validating webhook, the API server's object metadata rules),
// the level, and the row of docs/reference/istio-authz.md §3 it implements. Ids are never reused.

export type RuleLayer = 'yaml' | 'resource' | 'metadata' | 'crd' | 'cel' | 'webhook';

export interface RuleInfo {
  readonly layer: RuleLayer;
  readonly level: 'error' | 'warning';
  /** Rows of istio-authz.md §3 (C*, W*, P*, R*) or the source that defines the rule. */
  readonly ref: string;
}

const e = (layer: RuleLayer, ref: string): RuleInfo => ({ layer, level: 'error', ref });
const w = (layer: RuleLayer, ref: string): RuleInfo => ({ layer, level: 'warning', ref });

export const RULES = {
  // Reading the file: parseDocuments' findings keep their ids (PARSE_RULES: yaml.syntax, yaml.not-object,
  // yaml.duplicate-key, yaml.limit.*); these two are the ones validation conformance pins down.
  'yaml.syntax': e('yaml', 'cli.md'),
  'yaml.not-object': e('yaml', 'kubectl: a document must be a mapping'),

  // Type identification (API server discovery).
  'resource.api-version': e('resource', 'CRD served versions v1, v1beta1'),
  'resource.kind': e('resource', 'CRD names'),

  // Object metadata (API server, ObjectMeta validation).
  'meta.name.required': e('metadata', 'ValidateObjectMeta'),
  'meta.name.invalid': e('metadata', 'NameIsDNSSubdomain'),
  'meta.namespace.invalid': e('metadata', 'ValidateNamespaceName'),
  'meta.labels.invalid-key': e('metadata', 'ValidateLabels'),
  'meta.labels.invalid-value': e('metadata', 'ValidateLabels'),
  'meta.annotations.invalid-key': e('metadata', 'ValidateAnnotations'),
  'meta.annotations.too-large': e('metadata', 'ValidateAnnotationsSize'),
  'meta.timestamp.invalid': e('metadata', 'metav1.Time UnmarshalJSON (RFC 3339)'),
  'meta.finalizers.invalid': e('metadata', 'ValidateFinalizers'),
  'meta.owner-references.invalid': e('metadata', 'ValidateOwnerReferences'),

  // CRD structural schema (C9, C2, C3, C4, C6, C7, C8, P1, P3, R2-R5, R10, R11, R13).
  'crd.unknown-field': e('crd', 'C9'),
  'crd.type': e('crd', 'C9'),
  'crd.required': e('crd', 'C4/C8/R10/R11'),
  'crd.enum': e('crd', 'C2/P1'),
  'crd.max-items': e('crd', 'C3/C6/R2/R13'),
  'crd.max-length': e('crd', 'C6/C7/C8/R5'),
  'crd.min-length': e('crd', 'C8/R3/R4/R5/R10/R11/R13'),
  'crd.pattern': e('crd', 'C8/R11'),
  'crd.max-properties': e('crd', 'C7'),
  'crd.min-properties': e('crd', 'P3'),

  // CRD x-kubernetes-validations (CEL).
  'cel.selector-xor-target-ref': e('cel', 'C1/R1'),
  'cel.source.service-accounts-exclusive': e('cel', 'C5'),
  'cel.selector.wildcard-key': e('cel', 'C7/P4'),
  'cel.selector.wildcard-value': e('cel', 'C7/P4'),
  'cel.selector.empty-key': e('cel', 'C7/P4'),
  'cel.target-ref.namespace': e('cel', 'C8'),
  'cel.port-level-mtls.requires-selector': e('cel', 'P2'),
  'cel.port-level-mtls.port-range': e('cel', 'P3'),
  'cel.jwks-uri.scheme': e('cel', 'R5'),
  'cel.jwks.exclusive': e('cel', 'R6'),
  'cel.timeout.min-duration': e('cel', 'R12'),

  // istiod webhook: metadata (validateMetadata).
  'annotation.dry-run.unsupported-kind': e('webhook', 'W34'),
  'annotation.dry-run.unsupported-action': e('webhook', 'W32'),
  'annotation.dry-run.invalid-value': e('webhook', 'W33'),
  'annotation.internal': e('webhook', 'validateMetadata internal annotations'),

  // istiod webhook: selector / targetRef (shared by the three kinds).
  'selector.xor-target-ref': e('webhook', 'W1/R1'),
  'selector.empty-key': e('webhook', 'W2/P8'),
  'selector.wildcard': e('webhook', 'W3/P8'),
  'selector.no-labels': w('webhook', 'W4/P8'),
  'target-ref.name-required': e('webhook', 'W5'),
  'target-ref.namespace': e('webhook', 'W6'),
  'target-ref.unsupported-kind': e('webhook', 'W7'),

  // istiod webhook: AuthorizationPolicy.
  'authz.custom.rules-required': e('webhook', 'W8'),
  'authz.custom.provider-required': e('webhook', 'W9'),
  'authz.custom.unsupported-source': e('webhook', 'W10'),
  'authz.custom.unsupported-condition': e('webhook', 'W11'),
  'authz.provider.non-custom': e('webhook', 'W12'),
  'authz.deny.rules-required': e('webhook', 'W13'),
  'authz.from.source-required': e('webhook', 'W15'),
  'authz.source.empty': e('webhook', 'W16'),
  'authz.source.service-accounts-exclusive': e('webhook', 'W17'),
  'authz.source.bad-cidr': e('webhook', 'W18'),
  'authz.source.bad-ip': e('webhook', 'W18'),
  'authz.source.empty-value': e('webhook', 'W19'),
  'authz.source.service-account': e('webhook', 'W20'),
  'authz.source.trust-domain': e('webhook', 'W21'),
  'authz.to.operation-required': e('webhook', 'W22'),
  'authz.operation.empty': e('webhook', 'W23'),
  'authz.operation.bad-port': e('webhook', 'W24'),
  'authz.operation.empty-value': e('webhook', 'W25'),
  'authz.path.invalid-template': e('webhook', 'W26'),
  'authz.when.key-required': e('webhook', 'W27'),
  'authz.when.values-required': e('webhook', 'W28'),
  'authz.when.empty-value': e('webhook', 'W29'),
  'authz.when.bad-key': e('webhook', 'W29'),
  'authz.when.bad-cidr': e('webhook', 'W29'),
  'authz.when.bad-ip': e('webhook', 'W29'),
  'authz.when.bad-port': e('webhook', 'W29'),
  'authz.when.service-account': e('webhook', 'W29'),
  'authz.when.trust-domain': e('webhook', 'W29'),
  'authz.when.unsupported-key': e('webhook', 'W30'),
  'authz.deny.http-only': w('webhook', 'W31'),

  // istiod webhook: PeerAuthentication.
  'peerauth.port-level-mtls.requires-selector': e('webhook', 'P5'),
  'peerauth.port-level-mtls.empty': e('webhook', 'P6'),
  'peerauth.port-level-mtls.port-range': e('webhook', 'P7'),

  // istiod webhook: RequestAuthentication.
  'reqauth.audience.empty': e('webhook', 'R4'),
  'reqauth.issuer-or-jwks-uri': e('webhook', 'R7'),
  'reqauth.jwks-uri.invalid': e('webhook', 'R8'),
  'reqauth.jwks-uri.scheme': e('webhook', 'R8'),
  'reqauth.jwks.invalid': e('webhook', 'R9'),
  'reqauth.jwks.private-key': w('webhook', 'R9'),
  'reqauth.from-headers.name': e('webhook', 'R10'),
  'reqauth.from-params.empty': e('webhook', 'R10'),
  'reqauth.from-cookies.empty': e('webhook', 'R10'),
  'reqauth.output-claim-to-headers.empty': e('webhook', 'R11'),
  'reqauth.output-claim-to-headers.header': e('webhook', 'R11'),
  'reqauth.timeout.min-duration': e('webhook', 'R12'),
  'reqauth.timeout.precision': e('webhook', 'R12'),
} as const satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof RULES;
