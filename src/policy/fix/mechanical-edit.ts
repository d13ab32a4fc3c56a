// A mechanical fix: an edit of one document that needs no judgement (write "GET" for "get", the workload
// port for the Service port, `principals` for the misspelt key `principal`, add the "host:*" variant next
// to an exact host). Analyzers and validation attach one to a finding when the fix is unambiguous;
// `source-replacement.ts` turns it into a text replacement of the exact YAML and proves it by parsing the
// result. `applyEditToValue` is the edit's meaning on the plain value, which that proof compares with. Pure.
import { z } from 'zod';

import { parseFieldPath, type PathSegment } from '../parse/field-path.js';
import { sameJson } from './same-json.js';

export const MechanicalEditSchema = z.discriminatedUnion('kind', [
  /** Replace the scalar at `field` (a string or a number; the document's type is kept). */
  z.strictObject({ kind: z.literal('set-value'), field: z.string(), value: z.union([z.string(), z.number()]) }),
  /** Rename the map key that `field` ends in to `key`. */
  z.strictObject({ kind: z.literal('rename-key'), field: z.string(), key: z.string() }),
  /** Insert `value` into the list right after the item `field` (which ends in an index). */
  z.strictObject({ kind: z.literal('insert-after'), field: z.string(), value: z.string() }),
]);
export type MechanicalEdit = z.infer<typeof MechanicalEditSchema>;

/** A short imperative description for a reviewer's fix button. */
export function describeEdit(edit: MechanicalEdit): string {
  const where = edit.field;
  switch (edit.kind) {
    case 'set-value':
      return `write ${JSON.stringify(edit.value)} at ${where}`;
    case 'rename-key':
      return `rename ${where} to ${edit.key}`;
    case 'insert-after':
      return `add ${JSON.stringify(edit.value)} after ${where}`;
  }
}

type Container = Record<string, unknown> | unknown[];

function isContainer(v: unknown): v is Container {
  return typeof v === 'object' && v !== null;
}

function child(parent: Container, segment: PathSegment): unknown {
  if (Array.isArray(parent)) return typeof segment === 'number' ? parent[segment] : undefined;
  return typeof segment === 'string' && Object.hasOwn(parent, segment) ? parent[segment] : undefined;
}

/** A deep copy of the containers along `path`, with the parent of its last segment returned. */
function copyAlong(root: unknown, path: readonly PathSegment[]): { root: Container; parent: Container } | undefined {
  if (!isContainer(root) || path.length === 0) return undefined;
  const copy = (c: Container): Container => (Array.isArray(c) ? [...c] : { ...c });
  const top = copy(root);
  let parent = top;
  for (const segment of path.slice(0, -1)) {
    const next = child(parent, segment);
    if (!isContainer(next)) return undefined;
    const copied = copy(next);
    (parent as Record<string | number, unknown>)[segment] = copied;
    parent = copied;
  }
  return { root: top, parent };
}

/**
 * The document value after the edit, or undefined when the edit does not apply to it (the path is
 * missing, the value is not a scalar, the new key exists already, the value would not change).
 */
export function applyEditToValue(value: unknown, edit: MechanicalEdit): unknown {
  const path = parseFieldPath(edit.field);
  const copied = copyAlong(value, path);
  if (copied === undefined) return undefined;
  const { root, parent } = copied;
  const last = path.at(-1)!;
  const current = child(parent, last);
  switch (edit.kind) {
    case 'set-value': {
      if (typeof current !== 'string' && typeof current !== 'number') return undefined;
      const next = typeof current === 'number' ? Number(edit.value) : String(edit.value);
      if (typeof next === 'number' && !Number.isFinite(next)) return undefined;
      if (next === current) return undefined;
      (parent as Record<string | number, unknown>)[last] = next;
      return root;
    }
    case 'rename-key': {
      if (Array.isArray(parent) || typeof last !== 'string' || current === undefined || last === edit.key || Object.hasOwn(parent, edit.key)) return undefined;
      // Keep the key's place among its siblings.
      const renamed: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(parent)) renamed[k === last ? edit.key : k] = v;
      if (path.length === 1) return renamed;
      const grand = copyAlong(root, path.slice(0, -1));
      if (grand === undefined) return undefined;
      (grand.parent as Record<string | number, unknown>)[path.at(-2)!] = renamed;
      return grand.root;
    }
    case 'insert-after': {
      if (!Array.isArray(parent) || typeof last !== 'number' || current === undefined) return undefined;
      if (parent.some((item) => sameJson(item, edit.value))) return undefined;
      parent.splice(last + 1, 0, edit.value);
      return root;
    }
  }
}
