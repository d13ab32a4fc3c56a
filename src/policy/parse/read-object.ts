// Reading Kubernetes object metadata out of plain parsed values, leniently: wrong types become
// absent (or strings, for scalar labels), never exceptions. Shared by the mesh builder's readers.
import type { ParsedDocument } from './parsed-document.js';

export type PlainObject = Readonly<Record<string, unknown>>;

export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function objectAt(value: unknown, ...keys: string[]): PlainObject | undefined {
  let current: unknown = value;
  for (const key of keys) {
    if (!isPlainObject(current)) return undefined;
    current = current[key];
  }
  return isPlainObject(current) ? current : undefined;
}

export function arrayAt(value: unknown, key: string): readonly unknown[] {
  if (!isPlainObject(value)) return [];
  const found = value[key];
  return Array.isArray(found) ? found : [];
}

export function stringAt(value: unknown, key: string): string | undefined {
  if (!isPlainObject(value)) return undefined;
  const found = value[key];
  return typeof found === 'string' ? found : undefined;
}

/** A string map such as labels; scalar values are stringified (`version: 1`), others dropped. */
export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isPlainObject(value)) return out;
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string') out[key] = item;
    else if (typeof item === 'number' || typeof item === 'boolean') out[key] = String(item);
  }
  return out;
}

/** Group of an apiVersion: `security.istio.io/v1` -> `security.istio.io`, `v1` -> ``. */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

export interface ObjectHeader {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string | undefined;
  /** `default` for namespaced objects that name none; `` for cluster-scoped ones. */
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly creationTimestamp?: string;
}

const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set(['Namespace', 'GatewayClass']);

export function readHeader(doc: ParsedDocument): ObjectHeader | undefined {
  const value = doc.value;
  if (!isPlainObject(value)) return undefined;
  const kind = stringAt(value, 'kind');
  const apiVersion = stringAt(value, 'apiVersion');
  if (kind === undefined || apiVersion === undefined) return undefined;
  const metadata = objectAt(value, 'metadata');
  const name = stringAt(metadata, 'name');
  const declaredNamespace = stringAt(metadata, 'namespace');
  const namespace = CLUSTER_SCOPED_KINDS.has(kind) ? '' : declaredNamespace || 'default';
  const creationTimestamp = stringAt(metadata, 'creationTimestamp');
  return {
    apiVersion,
    kind,
    name: name === '' ? undefined : name,
    namespace,
    labels: stringMap(metadata?.['labels']),
    annotations: stringMap(metadata?.['annotations']),
    ...(creationTimestamp === undefined ? {} : { creationTimestamp }),
  };
}

/**
 * Drops `null` object fields recursively, as the API server prunes nulls of non-nullable CRD fields
 * before validation. Array items are kept (a null item is a schema error there too). Values without
 * such nulls come back as they are (the same objects, not copies): callers must not mutate the result.
 */
export function pruneNulls(value: unknown): unknown {
  return hasNullField(value) ? pruneNullFields(value) : value;
}

function hasNullField(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasNullField);
  if (!isPlainObject(value)) return false;
  // for-in sees own keys only here: parsed values are plain objects whose prototype has no enumerable keys.
  for (const key in value) {
    const item = value[key];
    if (item === null || (typeof item === 'object' && hasNullField(item))) return true;
  }
  return false;
}

function pruneNullFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => pruneNulls(item));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === null) continue;
    // A `__proto__` key is data here (the parser defines it as an own property), never the prototype.
    if (key === '__proto__') Object.defineProperty(out, key, { value: pruneNulls(item), writable: true, enumerable: true, configurable: true });
    else out[key] = pruneNulls(item);
  }
  return out;
}
