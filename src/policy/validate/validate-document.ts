// Validates one parsed document as the cluster would on `kubectl apply` of an Istio security resource:
// type identification, object metadata, the CRD schema and its CEL rules (API server), then istiod's
// validating webhook. Every layer runs even after another reported errors, so the author sees all
// problems at once (istiod itself stops at the first failing layer). Independent of any mesh.
import { parseFieldPath } from '../parse/field-path.js';
import type { ParsedDocument } from '../parse/parsed-document.js';
import { checkAuthorizationPolicy } from './check-authorization-policy.js';
import { checkAuthorizationPolicyCel, checkPeerAuthenticationCel, checkRequestAuthenticationCel } from './check-cel.js';
import { checkIstioAnnotations, checkObjectMeta } from './check-metadata.js';
import { checkPeerAuthentication } from './check-peer-authentication.js';
import { checkRequestAuthentication } from './check-request-authentication.js';
import { checkStructure } from './check-structure.js';
import { AUTHORIZATION_POLICY_SPEC, type CrdSchema, objectSchema, PEER_AUTHENTICATION_SPEC, REQUEST_AUTHENTICATION_SPEC } from './crd-schema.js';
import { FindingCollector } from './finding-collector.js';
import { isObject, objectAt, type RawObject, stringAt } from './raw-value.js';
import type { ValidatedResource, ValidationIssue } from './validate-report.js';

export const SECURITY_GROUP = 'security.istio.io';
export const SECURITY_VERSIONS: readonly string[] = ['v1', 'v1beta1'];

interface KindRules {
  readonly schema: CrdSchema;
  readonly cel: (spec: RawObject, out: FindingCollector) => void;
  readonly webhook: (spec: RawObject, out: FindingCollector) => void;
}

const KINDS: ReadonlyMap<string, KindRules> = new Map([
  ['AuthorizationPolicy', { schema: objectSchema(AUTHORIZATION_POLICY_SPEC), cel: checkAuthorizationPolicyCel, webhook: checkAuthorizationPolicy }],
  ['PeerAuthentication', { schema: objectSchema(PEER_AUTHENTICATION_SPEC), cel: checkPeerAuthenticationCel, webhook: checkPeerAuthentication }],
  ['RequestAuthentication', { schema: objectSchema(REQUEST_AUTHENTICATION_SPEC), cel: checkRequestAuthenticationCel, webhook: checkRequestAuthentication }],
]);

/**
 * Errors the API server reports as NotSupported, Required, TooLong, TooMany or TypeInvalid: with any
 * of them it does not evaluate the CRD's CEL rules (apiextensions-apiserver hasBlockingErr).
 */
const CEL_BLOCKING = new Set(['crd.type', 'crd.required', 'crd.enum', 'crd.max-items', 'crd.max-length', 'crd.max-properties', 'meta.name.required', 'meta.annotations.too-large']);

/** A blocking error: of those types, and for crd.* in the spec (metadata fields fail decoding, which does not block). */
const blocks = (e: ValidationIssue): boolean => CEL_BLOCKING.has(e.rule) && (!e.rule.startsWith('crd.') || e.field.startsWith('spec'));

/** Rules whose failure means istiod could not decode the spec, so its webhook would never run. */
const DECODE_FAILURES = new Set(['crd.type', 'crd.enum']);
/** Enum fields: jsonpb decodes an enum number (a crd.type error) fine, so those do not stop istiod. */
const ENUM_FIELDS = /^spec\.(action|mtls\.mode|portLevelMtls\[[^\]]*\]\.mode|portLevelMtls\.[^.]+\.mode)$/;

function isEnumNumber(object: RawObject, field: string): boolean {
  if (!ENUM_FIELDS.test(field)) return false;
  let v: unknown = object;
  for (const segment of parseFieldPath(field)) v = isObject(v) ? v[String(segment)] : undefined;
  return typeof v === 'number' && Number.isInteger(v);
}

/** Whether a document is one of the Istio security kinds this validator judges (by kind or by group). */
export function isSecurityResource(value: unknown): boolean {
  if (!isObject(value)) return false;
  const kind = stringAt(value, 'kind');
  const apiVersion = stringAt(value, 'apiVersion') ?? '';
  return (kind !== undefined && KINDS.has(kind)) || apiVersion.split('/')[0] === SECURITY_GROUP;
}

/**
 * Validates one document. Returns undefined for documents that are not Istio security resources
 * (other kinds are the API server's business, not gic's: `gic validate` judges only the resources gic
 * reasons about, like `istioctl validate` skips non-Istio kinds).
 */
export function validateDocument(doc: ParsedDocument): ValidatedResource | undefined {
  const value = doc.value;
  if (!isSecurityResource(value)) return undefined;
  const object = value as RawObject;
  const out = new FindingCollector((field) => doc.lineOf(field));
  const apiVersion = stringAt(object, 'apiVersion') ?? '';
  const kind = stringAt(object, 'kind') ?? '';
  const metadata = objectAt(object, 'metadata');
  const rules = KINDS.get(kind);
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);

  if (rules === undefined) {
    out.add('resource.kind', ['kind'], kind === '' ? `Object 'Kind' is missing: set kind to AuthorizationPolicy, PeerAuthentication or RequestAuthentication.` : `no matches for kind ${JSON.stringify(kind)} in group ${SECURITY_GROUP}: use AuthorizationPolicy, PeerAuthentication or RequestAuthentication (case-sensitive).`);
  } else if (group !== SECURITY_GROUP || !SECURITY_VERSIONS.includes(version)) {
    out.add('resource.api-version', ['apiVersion'], `no matches for kind ${JSON.stringify(kind)} in version ${JSON.stringify(apiVersion)}: use apiVersion security.istio.io/v1 (or security.istio.io/v1beta1).`);
  }

  if (rules !== undefined) {
    checkStructure(object, rules.schema, [], out);
    checkObjectMeta(metadata, out);
    const spec = objectAt(object, 'spec') ?? {};
    // The API server reports the blocking errors alone; the CEL rules show once they are fixed.
    if (!out.errors.some(blocks)) rules.cel(spec, out);
    const before = out.errors.length;
    checkIstioAnnotations(kind, metadata, object['spec'], out);
    const metadataRejected = out.errors.length > before;
    const warningsBefore = out.warnings.length;
    rules.webhook(spec, out);
    // istiod returns no warnings when it rejects the metadata or cannot decode the spec: drop ours too,
    // so warnings match istiod's (errors stay: the author should see them all).
    if (metadataRejected || out.undecodable || out.errors.some((e) => DECODE_FAILURES.has(e.rule) && e.field.startsWith('spec') && !isEnumNumber(object, e.field))) {
      out.warnings.splice(warningsBefore);
    }
  }

  const namespace = stringAt(metadata, 'namespace');
  return {
    source: `${doc.file}:${doc.source.line}`,
    apiVersion,
    kind,
    // kubectl and istioctl put a namespace-less object in the context namespace, "default" by default.
    namespace: namespace === undefined || namespace === '' ? 'default' : namespace,
    name: stringAt(metadata, 'name') ?? '',
    errors: byLine(out.errors),
    warnings: byLine(out.warnings),
  };
}

function byLine(issues: ValidationIssue[]): ValidationIssue[] {
  if (issues.length < 2) return issues;
  return issues.map((issue, i) => ({ issue, i })).sort((a, b) => a.issue.line - b.issue.line || a.i - b.i).map((x) => x.issue);
}

