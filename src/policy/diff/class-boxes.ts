// Classes of changed requests as boxes (a set of cells per dimension, null for all of them): merging
// boxes that differ in one dimension, and writing a box as a diff `match` (split where one field pair
// cannot say its cells). Pure.
import type { DiffMatch, MatchCondition } from './diff-match.js';
import { fieldPlace, notField } from './match-fields.js';
import { renderCells } from './render-cells.js';
import type { Dim } from './request-space.js';

/** Per dimension, the cells of the box (null: every cell). */
export type Box = (Set<number> | null)[];

/** A small number per distinct set of cells (equal sets, equal numbers), so box keys stay short. */
function setIdsOf(): (s: Set<number>) => number {
  const bySet = new WeakMap<Set<number>, number>();
  const byContent = new Map<string, number>();
  return (s) => {
    let id = bySet.get(s);
    if (id === undefined) {
      const content = [...s].sort((a, b) => a - b).join(',');
      id = byContent.get(content);
      if (id === undefined) byContent.set(content, (id = byContent.size));
      bySet.set(s, id);
    }
    return id;
  };
}

function boxKey(box: Box, skip: number, setId: (s: Set<number>) => number): string {
  let key = '';
  for (let i = 0; i < box.length; i++) {
    const s = box[i];
    key += i === skip ? '*|' : s === null || s === undefined ? 'A|' : `${setId(s)}|`;
  }
  return key;
}

/** Merges disjoint boxes that differ in one dimension, until nothing merges. */
export function mergeBoxes(boxes: Box[], dims: readonly Dim[]): Box[] {
  const setId = setIdsOf();
  let cur = boxes;
  for (let changed = true; changed; ) {
    changed = false;
    for (let d = dims.length - 1; d >= 0; d--) {
      const groups = new Map<string, Box[]>();
      for (const b of cur) {
        const k = boxKey(b, d, setId);
        const g = groups.get(k);
        if (g === undefined) groups.set(k, [b]);
        else g.push(b);
      }
      if (groups.size === cur.length) continue;
      const next: Box[] = [];
      for (const g of groups.values()) {
        if (g.length === 1) {
          next.push(g[0] as Box);
          continue;
        }
        changed = true;
        const merged = [...(g[0] as Box)];
        let union: Set<number> | null = new Set();
        for (const b of g) {
          const s = b[d];
          if (s === null || s === undefined || union === null) union = null;
          else for (const x of s) union.add(x);
        }
        if (union !== null && union.size === (dims[d] as Dim).cells.length) union = null;
        merged[d] = union;
        next.push(merged);
      }
      cur = next;
    }
  }
  return cur;
}

export function overlaps(box: Box, groups: Box): boolean {
  return box.every((s, i) => {
    const g = groups[i];
    if (s === null || g === null || g === undefined) return true;
    for (const x of s) if (g.has(x)) return true;
    return false;
  });
}

export function inBox(box: Box, cells: readonly number[]): boolean {
  return box.every((s, i) => s === null || s.has(cells[i] as number));
}

export interface Rendered {
  readonly match: DiffMatch;
  readonly box: Box;
}

/** Box -> match objects (a box whose cell set one field pair cannot say is split on that dimension). */
export function renderBox(box: Box, dims: readonly Dim[], tokenLocations: readonly string[]): Rendered[] {
  const match: { ports?: string[]; protocols?: ('http' | 'grpc' | 'tcp')[]; token?: { in: string[]; readBy: string[] }; from: Record<string, string[]>; to: Record<string, string[]>; when: MatchCondition[]; also: { field: string; values: string[] }[] } = {
    from: {},
    to: {},
    when: [],
    also: [],
  };
  for (let i = 0; i < dims.length; i++) {
    const s = box[i];
    const d = dims[i] as Dim;
    if (s === null || s === undefined) continue;
    if (d.key === 'protocol') {
      match.protocols = [...s].sort((a, b) => a - b).map((c) => d.cells[c]?.key as 'http' | 'grpc' | 'tcp');
      continue;
    }
    if (d.key === 'token') {
      match.token = { in: [...s].sort((a, b) => a - b).map((c) => d.cells[c]?.key as string), readBy: [...tokenLocations] };
      continue;
    }
    const r = renderCells(d, s);
    if (r === undefined) {
      return [...s].sort((a, b) => a - b).flatMap((c) => {
        const sub = [...box];
        sub[i] = new Set([c]);
        return renderBox(sub, dims, tokenLocations);
      });
    }
    for (const f of r.fields) {
      const place = fieldPlace(f.field);
      if (place === 'ports') {
        if (f.values !== undefined) match.ports = [...f.values];
        if (f.notValues !== undefined) match.to['notPorts'] = [...f.notValues];
      } else if (place === 'from' || place === 'to') {
        const part = match[place];
        if (f.values !== undefined) part[f.field] = [...(part[f.field] ?? []), ...f.values];
        if (f.notValues !== undefined) part[notField(f.field)] = [...(part[notField(f.field)] ?? []), ...f.notValues];
      } else {
        match.when.push({ key: f.field, ...(f.values !== undefined ? { values: [...f.values] } : {}), ...(f.notValues !== undefined ? { notValues: [...f.notValues] } : {}) });
      }
    }
    for (const a of r.also) match.also.push({ field: a.field, values: [...a.values] });
  }
  const out: DiffMatch = {
    ...(match.ports !== undefined ? { ports: match.ports } : {}),
    ...(match.protocols !== undefined ? { protocols: match.protocols } : {}),
    ...(match.token !== undefined ? { token: match.token } : {}),
    ...(Object.keys(match.from).length > 0 ? { from: match.from } : {}),
    ...(Object.keys(match.to).length > 0 ? { to: match.to } : {}),
    when: match.when,
    ...(match.also.length > 0 ? { also: match.also } : {}),
  };
  return [{ match: out, box }];
}
