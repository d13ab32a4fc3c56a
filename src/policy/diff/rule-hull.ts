// A bound on the requests one rule can match, in the cells of a workload space that was built without
// that rule's atoms: a list of boxes (one per source and operation pair), each giving per dimension
// the cells that hold some value the rule's terms accept (null: any cell). Only positive terms bound
// a box (and `notPrincipals: ["*"]`, which means plaintext). Terms a proxy does not read, or reads
// through a fixed view, are left out, so the bound holds for every proxy that enforces the rule:
// JWT terms always; HTTP terms on TCP and at ztunnel; trust domains, remote addresses and SNI at
// ztunnel; the caller's identity and addresses at ztunnel behind a waypoint (it sees the waypoint);
// ports at a waypoint (it sees the Service port); the identity where mTLS is DISABLEd on some port.
// A cell set is found by testing candidate values (request-space.ts) of the dimension's atoms plus the
// rule's pattern. Over-approximating is safe (a rule kept that did not need to be); never the reverse.
// Pure.
import type { Dim, SpaceOptions } from './request-space.js';
import { candidateValues, identityCandidatesWith } from './request-space.js';
import { type Atom, atomKey, atomTest } from './collect-atoms.js';
import { type DimKey, type DimValue, fieldInfo } from './match-fields.js';
import type { RuleFields, Term } from './rule-fields.js';
import type { WorkloadSpace } from './workload-space.js';

/** Which proxy reads the rule, and how. */
export type HullMode = 'envoy-http' | 'envoy-tcp' | 'ztunnel' | 'ztunnel-waypoint' | 'waypoint-http' | 'waypoint-tcp';

/** Per dimension of the space, the cells a box allows (null: every cell). */
export type HullBox = (Uint8Array | null)[];

const HTTP_DIMS = (d: DimKey): boolean => d === 'method' || d === 'path' || d === 'host' || d.startsWith('header:');

function reads(mode: HullMode, field: string, dim: DimKey, identityHidden: boolean): boolean {
  if (dim.startsWith('claim:')) return false;
  const http = mode === 'envoy-http' || mode === 'waypoint-http';
  const ztunnel = mode === 'ztunnel' || mode === 'ztunnel-waypoint';
  if (HTTP_DIMS(dim)) return http;
  if (dim === 'port') return mode !== 'waypoint-http' && mode !== 'waypoint-tcp';
  if (ztunnel && (field === 'trustDomains' || dim === 'ip:remote' || dim === 'sni')) return false;
  if (mode === 'ztunnel-waypoint' && (dim === 'identity' || dim === 'ip:source')) return false;
  if (dim === 'identity' && identityHidden && (mode === 'envoy-http' || mode === 'envoy-tcp')) return false;
  return true;
}

/**
 * The namespaces an identity pattern can match in, when it names them (an exact or prefix principal
 * that spells out its namespace, an exact namespace, a service account); undefined otherwise.
 */
function namespacesOf(field: string, patterns: readonly string[]): ReadonlySet<string> | undefined {
  const out = new Set<string>();
  for (const p of patterns) {
    if (field === 'namespaces' && !p.includes('*')) out.add(p);
    else if (field === 'serviceAccounts' && p.includes('/')) out.add(p.slice(0, p.indexOf('/')));
    else if (field === 'principals') {
      const m = /^[^*/]+\/ns\/([^*/]+)\/sa\//.exec(p);
      if (m === null) return undefined;
      out.add(m[1] as string);
    } else return undefined;
  }
  return out;
}

export class HullBuilder {
  private readonly cellCache = new Map<string, Uint8Array | null>();
  private readonly keysByDim = new Map<number, Map<string, number>>();

  constructor(
    private readonly ws: WorkloadSpace,
    private readonly options: SpaceOptions,
  ) {}

  /** The boxes of a rule read in `mode`. */
  hull(fields: RuleFields, mode: HullMode, identityHidden: boolean): HullBox[] {
    const n = this.ws.dims.length;
    const sources = fields.sources.length === 0 ? [[]] : fields.sources;
    const operations = fields.operations.length === 0 ? [[]] : fields.operations;
    const base: HullBox = new Array<Uint8Array | null>(n).fill(null);
    const protocol = this.ws.protocolIndex;
    if (protocol >= 0 && mode !== 'ztunnel' && mode !== 'ztunnel-waypoint') {
      const tcp = mode === 'envoy-tcp' || mode === 'waypoint-tcp';
      base[protocol] = Uint8Array.from((this.ws.dims[protocol] as Dim).cells.map((c) => ((c.key === 'tcp') === tcp ? 1 : 0)));
    }
    for (const t of fields.conditions) this.apply(base, t, mode, identityHidden);
    const out: HullBox[] = [];
    for (const s of sources) {
      for (const o of operations) {
        const box = [...base];
        for (const t of [...s, ...o]) this.apply(box, t, mode, identityHidden);
        out.push(box);
      }
    }
    return out;
  }

  private apply(box: HullBox, term: Term, mode: HullMode, identityHidden: boolean): void {
    let dimIndex = -1;
    let union: Uint8Array | null = null;
    for (const value of term.values) {
      // A value testing two atoms (a request principal: issuer and subject) reads the token: unbounded.
      if (value.length !== 1) return;
      const atom = value[0] as { field: string; patterns: readonly string[] };
      const info = fieldInfo(atom.field);
      if (info === undefined || !reads(mode, atom.field, info.dim, identityHidden)) return;
      const i = this.ws.space.index.get(info.dim);
      // No dimension: nothing the workload's formulas read tells values of this field apart.
      if (i === undefined) return;
      dimIndex = i;
      if (term.negative) {
        // Only "no identity at all" bounds a negative term: plaintext.
        if (atom.field === 'principals' && atom.patterns.includes('*')) {
          union = this.absentIdentity(i);
          break;
        }
        continue;
      }
      const cells = this.atomCells(i, atom.field, atom.patterns);
      if (cells === null) return;
      union ??= new Uint8Array(cells.length);
      for (let c = 0; c < cells.length; c++) union[c] = (union[c] as number) | (cells[c] as number);
    }
    if (union === null || dimIndex < 0) return;
    const cur = box[dimIndex];
    if (cur === null || cur === undefined) box[dimIndex] = union;
    else box[dimIndex] = cur.map((x, c) => x & (union[c] as number));
  }

  /** Cells of the identity dimension without an identity (plaintext). */
  private absentIdentity(i: number): Uint8Array | null {
    const d = this.ws.dims[i] as Dim;
    return Uint8Array.from(d.cells.map((c) => (c.rep === undefined ? 1 : 0)));
  }

  /** The cells of dimension `i` that hold some value the atom accepts; null when that cannot be told. */
  private atomCells(i: number, field: string, patterns: readonly string[]): Uint8Array | null {
    const key = `${i}\u0000${atomKey(field, patterns)}`;
    if (this.cellCache.has(key)) return this.cellCache.get(key) ?? null;
    const out = this.computeCells(i, field, patterns);
    this.cellCache.set(key, out);
    return out;
  }

  private computeCells(i: number, field: string, patterns: readonly string[]): Uint8Array | null {
    const d = this.ws.dims[i] as Dim;
    const k = atomKey(field, patterns);
    const known = d.atoms.findIndex((a) => atomKey(a.field, a.patterns) === k);
    if (known >= 0) return Uint8Array.from(d.cells.map((c) => (c.truth[known] === true ? 1 : 0)));
    const test = atomTest(field, patterns);
    if (test === undefined) return null;
    let candidates: DimValue[];
    if (d.key === 'port') {
      // The exposed ports, when the workload declares them; else the ports the patterns name.
      const ports = this.ws.exposure !== undefined ? [...this.ws.exposure.keys()] : patterns.filter((p) => /^\d+$/.test(p)).map(Number);
      candidates = ports.filter((v) => test(v));
    } else {
      const extra: Atom = { field, patterns, test, structural: false };
      candidates = (d.key === 'identity' ? identityCandidatesWith(d.atoms, extra, this.options.trustDomains, namespacesOf(field, patterns)) : candidateValues(d.key, [...d.atoms, extra], this.options)).filter((v) => test(v));
    }
    const keys = this.cellKeys(i);
    const out = new Uint8Array(d.cells.length);
    for (const v of candidates) {
      let key = '';
      for (const a of d.atoms) key += a.test(v) ? '1' : '0';
      const cell = keys.get(key);
      // A truth vector the space never met: it cannot be placed, so bound nothing.
      if (cell === undefined) return null;
      out[cell] = 1;
    }
    return out;
  }

  private cellKeys(i: number): Map<string, number> {
    let keys = this.keysByDim.get(i);
    if (keys === undefined) {
      keys = new Map((this.ws.dims[i] as Dim).cells.map((c, j) => [c.key, j]));
      this.keysByDim.set(i, keys);
    }
    return keys;
  }
}
