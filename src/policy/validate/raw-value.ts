// Defensive accessors over the raw (untyped) document value: the CEL and webhook checks run on it even
// after a schema error, so every read tolerates wrong types. `null` reads as absent, as the API server
// prunes nulls of non-nullable fields.

export type JsonType = 'null' | 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object';

export function jsonType(value: unknown): JsonType {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return Number.isInteger(value) ? 'integer' : 'number';
    case 'bigint':
      return 'integer';
    case 'boolean':
      return 'boolean';
    default:
      return 'object';
  }
}

export type RawObject = Readonly<Record<string, unknown>>;

export function isObject(value: unknown): value is RawObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The field when it is an object, else undefined. */
export function objectAt(o: RawObject | undefined, key: string): RawObject | undefined {
  const v = o?.[key];
  return isObject(v) ? v : undefined;
}

/** The field when it is an array, else undefined. */
export function arrayAt(o: RawObject | undefined, key: string): readonly unknown[] | undefined {
  const v = o?.[key];
  return Array.isArray(v) ? v : undefined;
}

/** The field when it is a string, else undefined. */
export function stringAt(o: RawObject | undefined, key: string): string | undefined {
  const v = o?.[key];
  return typeof v === 'string' ? v : undefined;
}

/** Whether the field is present and not null (CEL `has()`, Go non-nil after decoding). */
export function has(o: RawObject | undefined, key: string): boolean {
  const v = o?.[key];
  return v !== undefined && v !== null;
}

/** Number of items of an array field (Go `len()`): 0 when absent or not an array. */
export function lengthAt(o: RawObject | undefined, key: string): number {
  const v = o?.[key];
  return Array.isArray(v) ? v.length : 0;
}

/** The string items of an array field with their indices (wrong-typed items are skipped: crd.type reports them). */
export function stringItems(o: RawObject | undefined, key: string): readonly (readonly [string, number])[] {
  const v = o?.[key];
  if (!Array.isArray(v)) return [];
  const out: [string, number][] = [];
  for (let i = 0; i < v.length; i++) {
    const item: unknown = v[i];
    if (typeof item === 'string') out.push([item, i]);
  }
  return out;
}
