// The OpenAPI v3 structural schemas of Istio's security CRDs (manifests/charts/base/files/crd-all.gen.yaml
// of the pinned istio.io/istio, generated from istio/api), transcribed as data for check-structure.ts.
// v1 and v1beta1 have identical schemas. CEL rules (x-kubernetes-validations) live in check-cel.ts.
// `status` is not described: with the status subresource the API server drops it on create.

export type CrdSchema =
  | {
      readonly type: 'object';
      readonly properties?: Readonly<Record<string, CrdSchema>>;
      readonly required?: readonly string[];
      readonly additionalProperties?: CrdSchema;
      readonly maxProperties?: number;
      readonly minProperties?: number;
      /** x-kubernetes-preserve-unknown-fields: anything goes below. */
      readonly preserveUnknownFields?: boolean;
    }
  | { readonly type: 'array'; readonly items: CrdSchema; readonly maxItems?: number }
  | {
      readonly type: 'string';
      readonly enum?: readonly string[];
      readonly minLength?: number;
      readonly maxLength?: number;
      readonly pattern?: RegExp;
      /** The pattern as the CRD spells it, for messages. */
      readonly patternText?: string;
    }
  | { readonly type: 'boolean' }
  | { readonly type: 'integer' }
  | { readonly type: 'any' };

const str: CrdSchema = { type: 'string' };
const strings: CrdSchema = { type: 'array', items: str };
const obj = (properties: Record<string, CrdSchema>, extra: Partial<Extract<CrdSchema, { type: 'object' }>> = {}): CrdSchema => ({
  type: 'object',
  properties,
  ...extra,
});
const array = (items: CrdSchema, maxItems?: number): CrdSchema => (maxItems === undefined ? { type: 'array', items } : { type: 'array', items, maxItems });

const GROUP_PATTERN_TEXT = '^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const KIND_PATTERN_TEXT = '^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$';
const HEADER_PATTERN_TEXT = '^[-_A-Za-z0-9]+$';

const workloadSelector = obj({
  matchLabels: { type: 'object', additionalProperties: { type: 'string', maxLength: 63 }, maxProperties: 4096 },
});

const policyTargetReference = obj(
  {
    group: { type: 'string', maxLength: 253, pattern: new RegExp(GROUP_PATTERN_TEXT), patternText: GROUP_PATTERN_TEXT },
    kind: { type: 'string', minLength: 1, maxLength: 63, pattern: new RegExp(KIND_PATTERN_TEXT), patternText: KIND_PATTERN_TEXT },
    name: { type: 'string', minLength: 1, maxLength: 253 },
    namespace: str,
  },
  { required: ['kind', 'name'] },
);

const serviceAccounts: CrdSchema = { type: 'array', items: { type: 'string', maxLength: 320 }, maxItems: 16 };

const source = obj({
  principals: strings,
  notPrincipals: strings,
  requestPrincipals: strings,
  notRequestPrincipals: strings,
  namespaces: strings,
  notNamespaces: strings,
  serviceAccounts,
  notServiceAccounts: serviceAccounts,
  trustDomains: strings,
  notTrustDomains: strings,
  ipBlocks: strings,
  notIpBlocks: strings,
  remoteIpBlocks: strings,
  notRemoteIpBlocks: strings,
});

const operation = obj({
  hosts: strings,
  notHosts: strings,
  ports: strings,
  notPorts: strings,
  methods: strings,
  notMethods: strings,
  paths: strings,
  notPaths: strings,
});

const rule = obj({
  from: array(obj({ source }), 512),
  to: array(obj({ operation })),
  when: array(obj({ key: str, values: strings, notValues: strings }, { required: ['key'] })),
});

export const AUTHORIZATION_POLICY_SPEC: CrdSchema = obj({
  selector: workloadSelector,
  targetRef: policyTargetReference,
  targetRefs: array(policyTargetReference, 16),
  action: { type: 'string', enum: ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'] },
  provider: obj({ name: str }),
  rules: array(rule, 512),
});

const mtls = obj({ mode: { type: 'string', enum: ['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT'] } });

export const PEER_AUTHENTICATION_SPEC: CrdSchema = obj({
  selector: workloadSelector,
  mtls,
  portLevelMtls: { type: 'object', additionalProperties: mtls, minProperties: 1 },
});

const nonEmpty: CrdSchema = { type: 'string', minLength: 1 };
const jwksUri: CrdSchema = { type: 'string', minLength: 1, maxLength: 2048 };

const jwtRule = obj({
  issuer: nonEmpty,
  audiences: array(nonEmpty),
  jwksUri,
  jwks_uri: jwksUri,
  jwks: str,
  fromHeaders: array(obj({ name: nonEmpty, prefix: str }, { required: ['name'] })),
  fromParams: array(nonEmpty),
  fromCookies: array(nonEmpty),
  outputPayloadToHeader: str,
  forwardOriginalToken: { type: 'boolean' },
  outputClaimToHeaders: array(
    obj(
      {
        header: { type: 'string', minLength: 1, pattern: new RegExp(HEADER_PATTERN_TEXT), patternText: HEADER_PATTERN_TEXT },
        claim: nonEmpty,
      },
      { required: ['header', 'claim'] },
    ),
  ),
  timeout: str,
  spaceDelimitedClaims: array(nonEmpty, 64),
});

export const REQUEST_AUTHENTICATION_SPEC: CrdSchema = obj({
  selector: workloadSelector,
  targetRef: policyTargetReference,
  targetRefs: array(policyTargetReference, 16),
  jwtRules: array(jwtRule, 4096),
});

const stringMap: CrdSchema = { type: 'object', additionalProperties: str };
const anyObjects: CrdSchema = { type: 'array', items: { type: 'object', preserveUnknownFields: true } };

/** metav1.ObjectMeta as the API server decodes it (strict: unknown fields are errors). */
export const OBJECT_META: CrdSchema = obj({
  name: str,
  generateName: str,
  namespace: str,
  selfLink: str,
  uid: str,
  resourceVersion: str,
  generation: { type: 'integer' },
  creationTimestamp: { type: 'any' },
  deletionTimestamp: { type: 'any' },
  deletionGracePeriodSeconds: { type: 'integer' },
  labels: stringMap,
  annotations: stringMap,
  ownerReferences: anyObjects,
  finalizers: strings,
  managedFields: anyObjects,
});

/** The whole object; `spec` is filled in per kind. */
export function objectSchema(spec: CrdSchema): CrdSchema {
  return obj({ apiVersion: str, kind: str, metadata: OBJECT_META, spec, status: { type: 'any' } });
}
