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

/** API server ObjectMeta rules for a namespaced custom resource. */
export function checkObjectMeta(metadata: RawObject | undefined, out: FindingCollector): void {
  const name = stringAt(metadata, 'name');
  const generateName = stringAt(metadata, 'generateName');
  if ((name === undefined || name === '') && (generateName === undefined || generateName === '')) {
    out.add('meta.name.required', metadata === undefined ? [] : ['metadata'], 'name or generateName is required: set metadata.name (lowercase letters, digits, "-" and ".").');
  } else if (name !== undefined && name !== '' && (name.length > 253 || !DNS1123_SUBDOMAIN.test(name))) {
    out.add('meta.name.invalid', ['metadata', 'name'], `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com'), at most 253 characters; got ${JSON.stringify(name)}.`);
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
  const dryRun = annotations[DRY_RUN_ANNOTATION];
  if (dryRun !== undefined && dryRun !== null) {
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
