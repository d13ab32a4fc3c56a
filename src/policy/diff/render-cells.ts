// A set of cells of one dimension -> match fields that select exactly those cells: `notValues` alone
// when excluding some atoms is enough, else `values` from one field (plus `notValues`). When no such
// pair exists the caller splits the set; a single cell that needs two positive patterns of one field
// gets the second one in `also`. Exactness is checked on the truth vectors, never assumed.
import type { Atom } from './collect-atoms.js';
import type { Dim } from './request-space.js';

export interface FieldRender {
  readonly field: string;
  readonly values?: readonly string[];
  readonly notValues?: readonly string[];
}

export interface DimRender {
  readonly fields: readonly FieldRender[];
  readonly also: readonly { readonly field: string; readonly values: readonly string[] }[];
}

/** Sets of cells as bit words (one bit per cell of the dimension). */
type Bits = Uint32Array;

/** Per dimension: each atom's cells as bits. */
const atomBits = new WeakMap<Dim, readonly Bits[]>();

function bitsOfAtoms(dim: Dim): readonly Bits[] {
  let out = atomBits.get(dim);
  if (out === undefined) {
    const words = (dim.cells.length + 31) >>> 5;
    out = dim.atoms.map((_, a) => {
      const b = new Uint32Array(words);
      dim.cells.forEach((c, i) => {
        if (c.truth[a] === true) b[i >>> 5] = (b[i >>> 5] as number) | (1 << (i & 31));
      });
      return b;
    });
    atomBits.set(dim, out);
  }
  return out;
}

function bitsOf(dim: Dim, s: ReadonlySet<number>): Bits {
  const b = new Uint32Array((dim.cells.length + 31) >>> 5);
  for (const i of s) b[i >>> 5] = (b[i >>> 5] as number) | (1 << (i & 31));
  return b;
}

function sameBits(a: Bits, b: Bits): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Cells where some atom of `pos` holds (every cell when `pos` is undefined) and none of `neg`. */
function selected(dim: Dim, pos: readonly number[] | undefined, neg: readonly number[]): Bits {
  const atoms = bitsOfAtoms(dim);
  const words = (dim.cells.length + 31) >>> 5;
  const out = new Uint32Array(words);
  if (pos === undefined) {
    out.fill(0xffffffff);
    const rest = dim.cells.length & 31;
    if (rest !== 0) out[words - 1] = (1 << rest) - 1;
  } else for (const a of pos) for (let w = 0; w < words; w++) out[w] = (out[w] as number) | ((atoms[a] as Bits)[w] as number);
  for (const a of neg) for (let w = 0; w < words; w++) out[w] = (out[w] as number) & ~((atoms[a] as Bits)[w] as number);
  return out;
}

function minimize(list: number[], ok: (l: number[]) => boolean): number[] {
  let cur = [...list];
  for (const a of list) {
    const next = cur.filter((x) => x !== a);
    if (ok(next)) cur = next;
  }
  return cur;
}

function patternsOf(atoms: readonly Atom[], idx: readonly number[]): string[] {
  return [...new Set(idx.flatMap((i) => (atoms[i] as Atom).patterns))];
}

function fieldsFor(dim: Dim, pos: number[] | undefined, neg: number[]): FieldRender[] {
  const out = new Map<string, { values: string[]; notValues: string[] }>();
  const entry = (f: string): { values: string[]; notValues: string[] } => {
    let e = out.get(f);
    if (e === undefined) out.set(f, (e = { values: [], notValues: [] }));
    return e;
  };
  if (pos !== undefined) for (const a of pos) entry((dim.atoms[a] as Atom).field).values.push(...patternsOf(dim.atoms, [a]));
  for (const a of neg) entry((dim.atoms[a] as Atom).field).notValues.push(...patternsOf(dim.atoms, [a]));
  return [...out.entries()].map(([field, e]) => ({
    field,
    ...(e.values.length > 0 ? { values: [...new Set(e.values)] } : {}),
    ...(e.notValues.length > 0 ? { notValues: [...new Set(e.notValues)] } : {}),
  }));
}

const rendered = new WeakMap<Dim, Map<string, DimRender | undefined>>();

/** Fields for exactly the cells `s`; undefined when one values/notValues pair cannot say it (memoized per dimension). */
export function renderCells(dim: Dim, s: ReadonlySet<number>): DimRender | undefined {
  let memo = rendered.get(dim);
  if (memo === undefined) rendered.set(dim, (memo = new Map()));
  const key = [...s].sort((a, b) => a - b).join(',');
  if (memo.has(key)) return memo.get(key);
  const out = render(dim, s);
  memo.set(key, out);
  return out;
}

function render(dim: Dim, s: ReadonlySet<number>): DimRender | undefined {
  if (s.size === dim.cells.length) return { fields: [], also: [] };
  const n = dim.atoms.length;
  const allAtoms = [...Array(n).keys()];
  const want = bitsOf(dim, s);
  const neg = allAtoms.filter((a) => ![...s].some((i) => dim.cells[i]?.truth[a]));
  const allowed = selected(dim, undefined, neg);
  if (sameBits(allowed, want)) {
    const negMin = minimize(neg, (l) => sameBits(selected(dim, undefined, l), want));
    return { fields: fieldsFor(dim, undefined, negMin), also: [] };
  }
  const fields = [...new Set(dim.atoms.map((a) => a.field))];
  const allowedCells = dim.cells.map((_, i) => i).filter((i) => ((allowed[i >>> 5] as number) & (1 << (i & 31))) !== 0);
  for (const f of fields) {
    const pos = allAtoms.filter((a) => {
      if ((dim.atoms[a] as Atom).field !== f) return false;
      let any = false;
      for (const i of allowedCells) {
        if (!dim.cells[i]?.truth[a]) continue;
        if (!s.has(i)) return false;
        any = true;
      }
      return any;
    });
    if (pos.length === 0 || !sameBits(selected(dim, pos, neg), want)) continue;
    const posMin = minimize(pos, (l) => l.length > 0 && sameBits(selected(dim, l, neg), want));
    const negMin = minimize(neg, (l) => sameBits(selected(dim, posMin, l), want));
    return { fields: fieldsFor(dim, posMin, negMin), also: [] };
  }
  if (s.size !== 1) return undefined;
  // One cell that only a conjunction of positive patterns describes.
  const cell = dim.cells[[...s][0] as number];
  if (cell === undefined) return undefined;
  const trueAtoms = allAtoms.filter((a) => cell.truth[a]);
  const first = trueAtoms[0];
  if (first === undefined) return undefined;
  const negMin = minimize(neg, (l) => sameBits(selectedAll(dim, trueAtoms, l), want));
  if (!sameBits(selectedAll(dim, trueAtoms, negMin), want)) return undefined;
  const restPos = minimize(
    trueAtoms.filter((a) => a !== first),
    (l) => sameBits(selectedAll(dim, [first, ...l], negMin), want),
  );
  return {
    fields: fieldsFor(dim, [first], negMin),
    also: restPos.map((a) => ({ field: (dim.atoms[a] as Atom).field, values: [...(dim.atoms[a] as Atom).patterns] })),
  };
}

/** Cells where every atom of `all` holds and none of `neg`. */
function selectedAll(dim: Dim, all: readonly number[], neg: readonly number[]): Bits {
  const atoms = bitsOfAtoms(dim);
  const out = selected(dim, undefined, neg);
  for (const a of all) for (let w = 0; w < out.length; w++) out[w] = (out[w] as number) & ((atoms[a] as Bits)[w] as number);
  return out;
}
