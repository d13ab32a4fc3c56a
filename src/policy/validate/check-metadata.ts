// Object metadata rules the API server applies to a namespaced custom resource (name required and a
// DNS-1123 subdomain, namespace a DNS-1123 label, label keys and values, annotation keys and total size),
// and istiod's metadata checks (validateMetadata: istio.io/dry-run W32-W34, internal annotations).
import { actionOf } from './check-authorization-policy.js';
import type { FindingCollector } from './finding-collector.js';
import { goParseBool } from './go/strconv.js';
import { isObject, objectAt, type RawObject, stringAt } from './raw-value.js';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const ACTIONS = new Set(['ALLOW', 'DENY', 'AUDIT', 'CUSTOM']);
const ANNOTATIONS_MAX_BYTES = 256 * 1024;

export const DRY_RUN_ANNOTATION = 'istio.io/dry-run';
const INTERNAL_ANNOTATIONS = ['internal.istio.io/webhook-always-reject', 'internal.istio.io/parent-namespace', 'internal.istio.io/parents'];

/** Kubernetes IsQualifiedName: an error description, or undefined. */
function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  let name: string;
  if (parts.length === 1) name = key;
  else if (parts.length === 2) {
    const [prefix = '', rest = ''] = parts;
    if (prefix.length === 0) return 'prefix part must be non-empty';
    if (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) return 'prefix part must be a lowercase DNS subdomain (e.g. example.com)';
    name = rest;
  } else {
    return "a qualified name must consist of a name with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
  }
  if (name.length === 0) return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!QUALIFIED_NAME.test(name)) return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  return undefined;
}

function utf8Bytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? (i++, 4) : 3;
  }
  return n;
}

/** Go's time.Parse(time.RFC3339, s), as metav1.Time decodes a timestamp. */
function isRfc3339(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,]\d+)?(?:Z|([+-])(\d{2}):(\d{2}))$/.exec(s);
  if (m === null) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const days = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (days === undefined || day < 1 || day > days || hour > 23 || minute > 59 || second > 59) return false;
  return m[8] === undefined || (Number(m[8]) <= 23 && Number(m[9]) <= 59);
}

/** metav1.OwnerReference rules (apimachinery ValidateOwnerReferences) with their field paths. */
function ownerReferenceProblems(refs: unknown): { field: string; message: string }[] {
  if (!Array.isArray(refs)) return [];
  const out: { field: string; message: string }[] = [];
  let controllers = 0;
  for (const ref of refs) {
    if (!isObject(ref)) continue;
    const apiVersion = typeof ref['apiVersion'] === 'string' ? ref['apiVersion'] : '';
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    if (apiVersion.split('/').length > 2 || version === '') out.push({ field: 'apiVersion', message: `version must not be empty (got ${JSON.stringify(apiVersion)}); use e.g. "v1" or "apps/v1"` });
    if (typeof ref['kind'] !== 'string' || ref['kind'] === '') out.push({ field: 'kind', message: 'kind must not be empty' });
    if (typeof ref['name'] !== 'string' || ref['name'] === '') out.push({ field: 'name', message: 'name must not be empty' });
    if (typeof ref['uid'] !== 'string' || ref['uid'] === '') out.push({ field: 'uid', message: 'uid must not be empty' });
    if (apiVersion === 'v1' && ref['kind'] === 'Event') out.push({ field: '', message: 'v1/Event is disallowed from being an owner' });
    if (ref['controller'] === true) controllers++;
  }
  if (controllers > 1) out.push({ field: '', message: 'Only one reference can have Controller set to true' });
  return out;
}

/** API server ObjectMeta rules for a namespaced custom resource. */
export function checkObjectMeta(metadata: RawObject | undefined, out: FindingCollector): void {
  const name = stringAt(metadata, 'name');
  const generateName = stringAt(metadata, 'generateName');
  if ((name === undefined || name === '') && (generateName === undefined || generateName === '')) {
    out.add('meta.name.required', metadata === undefined ? [] : ['metadata'], 'name or generateName is required: set metadata.name (lowercase letters, digits, "-" and ".").');
  } else {
    // On create the API server names the object generateName (at most 58 characters of it) plus 5
    // random characters before validating it (rest.BeforeCreate).
    const generated = name === undefined || name === '';
    const effective = generated ? `${(generateName ?? '').slice(0, 58)}x2b7z` : name;
    if (effective.length > 253 || !DNS1123_SUBDOMAIN.test(effective)) {
      out.add('meta.name.invalid', ['metadata', 'name'], `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com'), at most 253 characters; got ${JSON.stringify(generated ? `${generateName ?? ''}<5 random characters>` : name)}.`);
    }
  }
  if (generateName !== undefined && generateName !== '') {
    // NameIsDNSSubdomain(prefix=true) masks a trailing '-' as maskTrailingDash does: it drops the last
    // two characters (not one) and appends "a", so "P-" passes while "Strict-" does not
    // (k8s.io/apimachinery pkg/api/validation/generic.go).
    const masked = generateName.length > 1 && generateName.endsWith('-') ? `${generateName.slice(0, -2)}a` : generateName;
    if (masked.length > 253 || !DNS1123_SUBDOMAIN.test(masked)) {
      out.add('meta.name.invalid', ['metadata', 'generateName'], `generateName must be the start of a lowercase RFC 1123 subdomain (lower case alphanumeric characters, '-' or '.', ending in '-' at most); got ${JSON.stringify(generateName)}.`);
    }
  }
  const namespace = stringAt(metadata, 'namespace');
  if (namespace !== undefined && namespace !== '' && (namespace.length > 63 || !DNS1123_LABEL.test(namespace))) {
    out.add('meta.namespace.invalid', ['metadata', 'namespace'], `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character, at most 63 characters; got ${JSON.stringify(namespace)}.`);
  }
  const labels = objectAt(metadata, 'labels');
  if (labels !== undefined) {
    for (const key in labels) {
      const problem = qualifiedNameProblem(key);
      if (problem !== undefined) out.add('meta.labels.invalid-key', ['metadata', 'labels', key], `invalid label key ${JSON.stringify(key)}: ${problem}.`);
      const value = labels[key];
      if (typeof value === 'string' && (value.length > 63 || !LABEL_VALUE.test(value))) {
        out.add('meta.labels.invalid-value', ['metadata', 'labels', key], `invalid label value ${JSON.stringify(value)}: a valid label value must be 63 characters or less, empty or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character; move free text to an annotation.`);
      }
    }
  }
  // Decoding: timestamps are RFC 3339 strings (metav1.Time) or null.
  for (const key of ['creationTimestamp', 'deletionTimestamp']) {
    const t = metadata?.[key];
    if (t === undefined || t === null) continue;
    if (typeof t !== 'string' || !isRfc3339(t)) {
      out.add('meta.timestamp.invalid', ['metadata', key], `${key} must be an RFC 3339 time such as "2024-01-01T00:00:00Z" (the API server cannot decode ${JSON.stringify(t)}); the server sets it anyway, so remove it.`);
    }
  }
  const finalizers = metadata?.['finalizers'];
  if (Array.isArray(finalizers)) {
    for (const f of finalizers) {
      const problem = typeof f === 'string' ? qualifiedNameProblem(f) : undefined;
      if (problem !== undefined) out.add('meta.finalizers.invalid', ['metadata', 'finalizers'], `invalid finalizer ${JSON.stringify(f)}: ${problem}.`);
    }
  }
  for (const p of ownerReferenceProblems(metadata?.['ownerReferences'])) {
    out.add('meta.owner-references.invalid', p.field === '' ? ['metadata', 'ownerReferences'] : ['metadata', 'ownerReferences', p.field], `${p.message}.`);
  }
  const annotations = objectAt(metadata, 'annotations');
  if (annotations !== undefined) {
    let total = 0;
    for (const key in annotations) {
      const problem = qualifiedNameProblem(key.toLowerCase());
      if (problem !== undefined) out.add('meta.annotations.invalid-key', ['metadata', 'annotations', key], `invalid annotation key ${JSON.stringify(key)}: ${problem}.`);
      const value = annotations[key];
      total += utf8Bytes(key) + (typeof value === 'string' ? utf8Bytes(value) : 0);
    }
    if (total > ANNOTATIONS_MAX_BYTES) {
      out.add('meta.annotations.too-large', ['metadata', 'annotations'], `Too long: annotations must have at most ${ANNOTATIONS_MAX_BYTES} bytes (have ${total}); remove or shorten annotations.`);
    }
  }
}

/** istiod validateMetadata: dry-run annotation (W32-W34) and internal annotations. */
export function checkIstioAnnotations(kind: string, metadata: RawObject | undefined, spec: unknown, out: FindingCollector): void {
  const annotations = objectAt(metadata, 'annotations');
  if (annotations === undefined) return;
  // A null annotation value reaches istiod as "" (the API server decodes it into a Go string).
  const raw = annotations[DRY_RUN_ANNOTATION];
  const dryRun = raw === null ? '' : raw;
  if (dryRun !== undefined) {
    const at = ['metadata', 'annotations', DRY_RUN_ANNOTATION];
    if (kind !== 'AuthorizationPolicy') {
      out.add('annotation.dry-run.unsupported-kind', at, `${kind} has unsupported annotation ${DRY_RUN_ANNOTATION}, please remove the annotation: only AuthorizationPolicy supports dry-run.`);
    } else {
      const action = actionOf(isObject(spec) ? spec : undefined);
      if (!ACTIONS.has(action)) {
        // An unknown action already fails decoding (crd.enum); istiod never reaches this check.
      } else if (action === 'ALLOW' || action === 'DENY') {
        if (typeof dryRun === 'string' && 'error' in goParseBool(dryRun)) {
          out.add('annotation.dry-run.invalid-value', at, `annotation ${DRY_RUN_ANNOTATION} has invalid value (${dryRun}): write "true" or "false" (quoted, annotation values are strings).`);
        }
      } else {
        out.add('annotation.dry-run.unsupported-action', at, `the annotation ${DRY_RUN_ANNOTATION} currently only supports action ALLOW/DENY, found action ${action}: remove the annotation.`);
      }
    }
  }
  for (const key of INTERNAL_ANNOTATIONS) {
    if (Object.hasOwn(annotations, key)) {
      out.add('annotation.internal', ['metadata', 'annotations', key], `${JSON.stringify(key)} annotation found, this may not be set by users: remove it.`);
    }
  }
}
