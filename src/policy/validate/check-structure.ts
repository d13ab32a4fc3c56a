// The API server's structural checks of a custom resource against its CRD schema, as with
// `kubectl apply` (fieldValidation=Strict): unknown fields, JSON types, enums, required fields, string
// lengths and patterns, item and property counts. `null` for a known, non-nullable field counts as absent
// (the API server prunes it); `null` as a list item is a type error. Reports every problem; never throws.
import type { CrdSchema } from './crd-schema.js';
import { formatFieldPath, type PathSegment } from '../parse/field-path.js';
import { closest as nearMiss } from '../parse/near-miss.js';
import type { FindingCollector, Path } from './finding-collector.js';
import { jsonType } from './raw-value.js';

/** Code points, as Kubernetes counts string length (runes). */
function runeLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

const TYPE_HINTS: Readonly<Record<string, string>> = {
  string: 'quote the value (e.g. "80", "true") so YAML reads it as a string',
  array: 'write a YAML list (one "- item" per line, or [a, b])',
  object: 'write a YAML mapping of "field: value" lines',
  boolean: 'write true or false without quotes',
  integer: 'write a whole number without quotes',
};

/**
 * Checks `value` against `schema`. `path` is the value's field path; it is used as a stack (pushed and
 * popped, never retained) so that a clean document allocates no paths.
 */
export function checkStructure(value: unknown, schema: CrdSchema, path: PathSegment[], out: FindingCollector): void {
  const actual = jsonType(value);
  switch (schema.type) {
    case 'any':
      return;
    case 'object': {
      if (actual !== 'object') return typeError(actual, 'object', path, out);
      const record = value as Record<string, unknown>;
      const props = schema.properties;
      let count = 0;
      for (const key in record) {
        const child = record[key];
        const childSchema = props !== undefined && Object.hasOwn(props, key) ? props[key] : undefined;
        const next = childSchema ?? schema.additionalProperties;
        if (next !== undefined) {
          if (child === null) continue;
          count++;
          path.push(key);
          checkStructure(child, next, path, out);
          path.pop();
        } else if (schema.preserveUnknownFields !== true) {
          const known = props === undefined ? [] : Object.keys(props);
          // A near miss of exactly one known field that is not set already is a mechanical fix.
          const near = known.filter((k) => nearMiss(key, [k]) !== undefined);
          const rename = near.length === 1 && record[near[0]!] === undefined ? near[0] : undefined;
          out.add(
            'crd.unknown-field',
            [...path, key],
            `unknown field "${key}"${path.length > 0 ? '' : ' at the top level'}: the CRD does not define it.` +
              (rename !== undefined ? ` Did you mean "${rename}"? Otherwise remove it or use one of: ${closest(key, known)}.` : known.length > 0 ? ` Remove it or use one of: ${closest(key, known)}.` : ' Remove it.'),
            rename === undefined ? undefined : { kind: 'rename-key', field: formatFieldPath([...path, key]), key: rename },
          );
        } else {
          count++;
        }
      }
      for (const key of schema.required ?? []) {
        if (record[key] === undefined || record[key] === null) {
          out.add('crd.required', [...path, key], `Required value: "${key}" must be set here.`);
        }
      }
      if (schema.maxProperties !== undefined && count > schema.maxProperties) {
        out.add('crd.max-properties', path, `Too many: ${count}: must have at most ${schema.maxProperties} entries; split the selector or remove entries.`);
      }
      if (schema.minProperties !== undefined && count < schema.minProperties) {
        out.add('crd.min-properties', path, `must have at least ${schema.minProperties} entr${schema.minProperties === 1 ? 'y' : 'ies'}; add one or remove the field.`);
      }
      return;
    }
    case 'array': {
      if (actual !== 'array') return typeError(actual, 'array', path, out);
      const items = value as readonly unknown[];
      if (schema.maxItems !== undefined && items.length > schema.maxItems) {
        out.add('crd.max-items', path, `Too many: ${items.length}: must have at most ${schema.maxItems} items; split the resource or remove items.`);
      }
      for (let i = 0; i < items.length; i++) {
        path.push(i);
        checkStructure(items[i], schema.items, path, out);
        path.pop();
      }
      return;
    }
    case 'string': {
      if (actual !== 'string') return typeError(actual, 'string', path, out);
      const s = value as string;
      if (schema.enum !== undefined && !schema.enum.includes(s)) {
        out.add('crd.enum', path, `Unsupported value: ${JSON.stringify(s)}: supported values: ${schema.enum.map((v) => JSON.stringify(v)).join(', ')} (values are case-sensitive).`);
      }
      if (schema.maxLength !== undefined && s.length > schema.maxLength && runeLength(s) > schema.maxLength) {
        out.add('crd.max-length', path, `Too long: may not be longer than ${schema.maxLength} characters (has ${runeLength(s)}); shorten it.`);
      }
      if (schema.minLength !== undefined && runeLength(s) < schema.minLength) {
        out.add('crd.min-length', path, `must be at least ${schema.minLength} character${schema.minLength === 1 ? '' : 's'} long; set a non-empty value or remove the field.`);
      }
      if (schema.pattern !== undefined && !schema.pattern.test(s)) {
        out.add('crd.pattern', path, `Invalid value: ${JSON.stringify(s)}: should match '${schema.patternText ?? schema.pattern.source}'.`);
      }
      return;
    }
    case 'boolean':
      if (actual !== 'boolean') typeError(actual, 'boolean', path, out);
      return;
    case 'integer':
      if (actual !== 'integer') typeError(actual, 'integer', path, out);
      return;
  }
}

function typeError(actual: string, expected: string, path: Path, out: FindingCollector): void {
  out.add('crd.type', path, `must be of type ${expected}, got ${actual}; ${TYPE_HINTS[expected] ?? ''}.`);
}

/** The known names, the most similar first (a typo usually differs by case or one letter). */
function closest(key: string, known: readonly string[]): string {
  const lower = key.toLowerCase();
  const scored = known.map((k) => ({ k, d: k.toLowerCase() === lower ? 0 : editDistance(lower, k.toLowerCase()) }));
  scored.sort((a, b) => a.d - b.d);
  return scored.map((s) => s.k).join(', ');
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
