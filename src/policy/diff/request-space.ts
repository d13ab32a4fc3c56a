// The request space of one destination workload, cut into cells: per dimension, candidate values are
// built from the atoms (each literal; inside and just outside each prefix, suffix, template and CIDR;
// prefix x suffix combinations; "something else"; absent), and candidates with the same truth vector
// over the atoms form one cell with that candidate as its honest representative. Two dimensions are
// fixed lists instead: the protocol (http, grpc, tcp) and the token state (absent / invalid / valid at
// each location a jwtRule reads, or elsewhere). Pure data building; evaluates nothing.
import type { PathNormalizationMode } from '../evaluate/path-normalization.js';
import { normalizePath } from '../evaluate/path-normalization.js';
import { type IpAddress, parseCidr, parseIp } from '../evaluate/ip-matcher.js';
import { peerFromPrincipal, type PeerIdentity } from '../evaluate/request-attributes.js';
import type { Atom, TargetAtoms } from './collect-atoms.js';
import type { DimKey, DimValue, ValueTest } from './match-fields.js';
import type { Exposure } from './target-structure.js';

export type Guard = 'always' | 'http' | 'jwt';

export interface Cell {
  /** Truth vector over the dimension's atoms (`1`/`0`), or a fixed label (protocol, token). */
  readonly key: string;
  readonly rep: DimValue;
  readonly truth: readonly boolean[];
}

export interface Dim {
  readonly key: DimKey;
  readonly guard: Guard;
  readonly atoms: readonly Atom[];
  readonly cells: readonly Cell[];
}

export const OTHER_LOCATION = 'elsewhere';
/** Claims read as one string (iss and sub form the request principal; azp is one value). */
const SCALAR_CLAIMS = new Set(['claim:["iss"]', 'claim:["sub"]', 'claim:["azp"]']);
const FILL = 'gic';

function uniq<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

/** Interned identities and addresses (bounded): equal text, one object. */
const peers = new Map<string, PeerIdentity>();
const ips = new Map<string, IpAddress | undefined>();
const INTERNED = 100_000;

function peerOf(principal: string): PeerIdentity {
  let p = peers.get(principal);
  if (p === undefined) {
    if (peers.size >= INTERNED) peers.clear();
    peers.set(principal, (p = peerFromPrincipal(principal)));
  }
  return p;
}

function ipOf(text: string): IpAddress | undefined {
  if (ips.has(text)) return ips.get(text);
  if (ips.size >= INTERNED) ips.clear();
  const ip = parseIp(text);
  ips.set(text, ip);
  return ip;
}

function cellsOf(atoms: readonly Atom[], candidates: readonly DimValue[]): Cell[] {
  const seen = new Map<string, Cell>();
  const tests = atoms.map((a) => a.test);
  for (const c of candidates) {
    const truth = new Array<boolean>(tests.length);
    let key = '';
    for (let i = 0; i < tests.length; i++) {
      const t = (tests[i] as ValueTest)(c);
      truth[i] = t;
      key += t ? '1' : '0';
    }
    if (!seen.has(key)) seen.set(key, { key, rep: c, truth });
  }
  return [...seen.values()];
}

function templateInstances(p: string): string[] {
  let out = [p];
  for (const [token, fills] of [
    ['{**}', ['', FILL, `${FILL}/${FILL}`]],
    ['{*}', [FILL]],
  ] as const) {
    out = out.flatMap((s) => (s.includes(token) ? fills.map((f) => s.replaceAll(token, f)) : [s]));
  }
  return out;
}

/** Candidate strings from string patterns (`x`, `x*`, `*x`, `*`, path templates). */
function stringCandidates(patterns: readonly string[], other: string): string[] {
  const out: string[] = [other, ''];
  const prefixes: string[] = [];
  const suffixes: string[] = [];
  for (const p of patterns) {
    if (p.includes('{*}') || p.includes('{**}')) {
      out.push(...templateInstances(p));
      continue;
    }
    if (p === '*') {
      out.push(FILL);
    } else if (p.startsWith('*')) {
      const s = p.slice(1);
      suffixes.push(s);
      out.push(s, `${FILL}${s}`, `/${FILL}${s}`);
    } else if (p.endsWith('*')) {
      const s = p.slice(0, -1);
      prefixes.push(s);
      out.push(s, `${s}${FILL}`, `${s}/${FILL}`);
    } else {
      out.push(p, p.toUpperCase(), `${p}${FILL}`);
    }
  }
  for (const a of prefixes) for (const b of suffixes) out.push(`${a}${b}`, `${a}${FILL}${b}`);
  return uniq(out);
}

/** An address as text (`192.0.2.1`, IPv6 as eight hex groups). */
export function ipText(ip: IpAddress): string {
  return ip.v6 ? formatV6(ip.v6n) : formatV4(ip.v4);
}

function formatV4(n: number): string {
  return [24, 16, 8, 0].map((s) => String(Math.floor(n / 2 ** s) % 256)).join('.');
}

function formatV6(n: bigint): string {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((n >> BigInt(i * 16)) & 0xffffn).toString(16));
  return groups.join(':');
}

function ipCandidates(patterns: readonly string[]): DimValue[] {
  const texts = ['192.0.2.77', '2001:db8:ffff::77'];
  for (const p of patterns) {
    const r = parseCidr(p);
    if (r === undefined) continue;
    if (!r.v6) {
      const size = 2 ** (32 - r.bits);
      const first = r.v4;
      const last = first + size - 1;
      for (const n of [first, last, first - 1, last + 1]) if (n >= 0 && n <= 0xffffffff) texts.push(formatV4(n));
    } else {
      const size = 1n << BigInt(128 - r.bits);
      const first = r.v6n;
      const last = first + size - 1n;
      for (const n of [first, last, first - 1n, last + 1n]) if (n >= 0n && n < 1n << 128n) texts.push(formatV6(n));
    }
  }
  // Absent last: a cell that holds addresses too gets an address as its representative (a request
  // with a source address cannot have an absent remote address).
  const out: DimValue[] = [];
  for (const t of uniq(texts)) {
    const ip = ipOf(t);
    if (ip !== undefined) out.push(ip);
  }
  out.push(undefined);
  return out;
}

/**
 * Candidate identities: every trust domain, namespace and service account the atoms name, combined.
 * With `only`, just the identities in those namespaces (and the atoms' own principals): enough for a
 * pattern that only matches there.
 */
function identityCandidates(atoms: readonly Atom[], trustDomains: readonly string[], only?: ReadonlySet<string>): DimValue[] {
  const tds = new Set<string>([...trustDomains, 'cluster.local', `${FILL}.td`]);
  const nss = new Set<string>([`${FILL}-ns`]);
  // Service-account names that some pattern tests regardless of the namespace (suffix principals).
  const freeSas = new Set<string>([`${FILL}-sa`]);
  const pairs = new Set<string>();
  const principals = new Set<string>();
  const fill = (p: string): string[] => (p === '*' ? [FILL] : p.startsWith('*') ? [p.slice(1), `${FILL}${p.slice(1)}`] : p.endsWith('*') ? [p.slice(0, -1), `${p.slice(0, -1)}${FILL}`] : [p]);
  for (const a of atoms) {
    for (const p of a.patterns) {
      switch (a.field) {
        case 'principals':
          for (const v of fill(p)) {
            principals.add(v);
            principals.add(`${v}/${FILL}`);
            const id = peerOf(v);
            if (id.namespace !== '') nss.add(id.namespace);
            if (id.namespace !== '' && id.serviceAccount !== '') pairs.add(`${id.namespace}/${id.serviceAccount}`);
            if (p.startsWith('*') && id.serviceAccount !== '') freeSas.add(id.serviceAccount);
            if (v.split('/').length === 5) tds.add(id.trustDomain);
          }
          break;
        case 'namespaces':
          if (!p.includes('*')) nss.add(p);
          else for (const f of [FILL, '']) nss.add(p.replaceAll('*', f));
          break;
        case 'serviceAccounts':
          pairs.add(p);
          nss.add(p.slice(0, p.indexOf('/')));
          break;
        case 'trustDomains':
          for (const v of fill(p)) tds.add(v);
          break;
      }
    }
  }
  const merged = interchangeableTrustDomains(atoms, [...tds]);
  const out: DimValue[] = [undefined];
  for (const td of tds) {
    if (merged.has(td)) continue;
    for (const ns of nss) if (only === undefined || only.has(ns)) for (const sa of freeSas) out.push(peerOf(`${td}/ns/${ns}/sa/${sa}`));
    for (const pair of pairs) {
      const i = pair.indexOf('/');
      if (only === undefined || only.has(pair.slice(0, i))) out.push(peerOf(`${td}/ns/${pair.slice(0, i)}/sa/${pair.slice(i + 1)}`));
    }
  }
  for (const p of principals) if (!merged.has(peerOf(p).trustDomain)) out.push(peerOf(p));
  // One candidate per identity (the loops above meet the same principal more than once).
  const seen = new Set<string>();
  return out.filter((c) => {
    const uri = c === undefined ? '' : (c as PeerIdentity).uri;
    if (seen.has(uri)) return false;
    seen.add(uri);
    return true;
  });
}

/** What identity atoms name: trust domains, namespaces, free service accounts, pairs and principals. */
interface IdentityParts {
  readonly tds: ReadonlySet<string>;
  readonly nss: ReadonlySet<string>;
  readonly freeSas: ReadonlySet<string>;
  readonly pairs: ReadonlySet<string>;
  readonly principals: ReadonlySet<string>;
}

function identityParts(atoms: readonly Atom[]): IdentityParts {
  const fill = (p: string): string[] => (p === '*' ? [FILL] : p.startsWith('*') ? [p.slice(1), `${FILL}${p.slice(1)}`] : p.endsWith('*') ? [p.slice(0, -1), `${p.slice(0, -1)}${FILL}`] : [p]);
  const tds = new Set<string>();
  const nss = new Set<string>();
  const freeSas = new Set<string>();
  const pairs = new Set<string>();
  const principals = new Set<string>();
  for (const a of atoms) {
    for (const p of a.patterns) {
      if (a.field === 'principals') {
        for (const v of fill(p)) {
          principals.add(v);
          principals.add(`${v}/${FILL}`);
          const id = peerOf(v);
          if (id.namespace !== '') nss.add(id.namespace);
          if (id.namespace !== '' && id.serviceAccount !== '') pairs.add(`${id.namespace}/${id.serviceAccount}`);
          if (p.startsWith('*') && id.serviceAccount !== '') freeSas.add(id.serviceAccount);
          if (v.split('/').length === 5) tds.add(id.trustDomain);
        }
      } else if (a.field === 'namespaces') {
        if (!p.includes('*')) nss.add(p);
        else for (const f of [FILL, '']) nss.add(p.replaceAll('*', f));
      } else if (a.field === 'serviceAccounts') {
        pairs.add(p);
        nss.add(p.slice(0, p.indexOf('/')));
      } else if (a.field === 'trustDomains') {
        for (const v of fill(p)) tds.add(v);
      }
    }
  }
  return { tds, nss, freeSas, pairs, principals };
}

/** The parts of a dimension's atoms, per atom list (a Dim's list does not change). */
const partsOf = new WeakMap<readonly Atom[], IdentityParts>();

/**
 * The identity candidates a pattern (`extra`) can match among, for a dimension built from `atoms`:
 * what `identityCandidates` gives for the atoms plus `extra`, the combined ones only in the namespaces
 * `only` (every one when undefined), computed from the atoms' parts once per atom list (rule-hull.ts
 * asks for many patterns against one dimension). Unordered: for tests, not for cells.
 */
export function identityCandidatesWith(atoms: readonly Atom[], extra: Atom, trustDomains: readonly string[], only: ReadonlySet<string> | undefined): DimValue[] {
  let base = partsOf.get(atoms);
  if (base === undefined) partsOf.set(atoms, (base = identityParts(atoms)));
  const more = identityParts([extra]);
  const tds = new Set<string>([...trustDomains, 'cluster.local', `${FILL}.td`, ...base.tds, ...more.tds]);
  const merged = interchangeableTrustDomains([...atoms, extra], [...tds]);
  const inside = (ns: string): boolean => only === undefined || only.has(ns);
  const nss = [`${FILL}-ns`, ...base.nss, ...more.nss].filter(inside);
  const freeSas = [`${FILL}-sa`, ...base.freeSas, ...more.freeSas];
  const pairs = [...base.pairs, ...more.pairs].filter((pair) => inside(pair.slice(0, pair.indexOf('/'))));
  const out: DimValue[] = [undefined];
  for (const td of tds) {
    if (merged.has(td)) continue;
    for (const ns of nss) for (const sa of freeSas) out.push(peerOf(`${td}/ns/${ns}/sa/${sa}`));
    for (const pair of pairs) {
      const i = pair.indexOf('/');
      out.push(peerOf(`${td}/ns/${pair.slice(0, i)}/sa/${pair.slice(i + 1)}`));
    }
  }
  // Every principal an atom names (odd ones may match a pattern in a namespace they do not parse to).
  for (const p of [...base.principals, ...more.principals]) {
    const id = peerOf(p);
    if (!merged.has(id.trustDomain)) out.push(id);
  }
  return out;
}

/**
 * Trust domains that no identity atom tells apart from an earlier one in `tds` (swapping the two maps
 * every atom's patterns onto the same patterns): their candidates would only repeat cells. Empty when
 * some pattern reads a trust domain other than as a literal first segment (`*example.com/ns/x`).
 */
function interchangeableTrustDomains(atoms: readonly Atom[], tds: readonly string[]): Set<string> {
  const none = new Set<string>();
  // Per atom: trust domain -> the rest of each pattern that names it.
  const perAtom: Map<string, string[]>[] = [];
  // trustDomains patterns with a wildcard (`*.example.com`): which trust domains each one matches.
  const globs: string[] = [];
  for (const a of atoms) {
    if (a.field !== 'principals' && a.field !== 'trustDomains') continue;
    const byTd = new Map<string, string[]>();
    for (const p of a.patterns) {
      if (p === '*' || (a.field === 'principals' && p.startsWith('*/'))) continue;
      if (a.field === 'trustDomains' && p.includes('*')) {
        globs.push(p);
        continue;
      }
      const slash = a.field === 'principals' ? p.indexOf('/') : p.length;
      const td = slash < 0 ? p : p.slice(0, slash);
      if (td.includes('*') || slash < 0) return none;
      const rest = p.slice(slash);
      const list = byTd.get(td);
      if (list === undefined) byTd.set(td, [rest]);
      else list.push(rest);
    }
    for (const list of byTd.values()) list.sort();
    perAtom.push(byTd);
  }
  const globMatch = (g: string, td: string): boolean => {
    const star = g.indexOf('*');
    const head = g.slice(0, star);
    const tail = g.slice(star + 1);
    return td.length >= head.length + tail.length && td.startsWith(head) && td.endsWith(tail);
  };
  const signature = (td: string): string => JSON.stringify([perAtom.map((m) => m.get(td) ?? []), globs.map((g) => globMatch(g, td))]);
  const seen = new Set<string>();
  const out = new Set<string>();
  for (const td of tds) {
    const sig = signature(td);
    if (seen.has(sig)) out.add(td);
    else seen.add(sig);
  }
  return out;
}

/** Destination ports: the exposed ones when the workload declares its ports, else every port an atom names and one other. */
function portCandidates(atoms: readonly Atom[], exposure: Exposure | undefined): DimValue[] {
  if (exposure !== undefined) return [...exposure.keys()];
  const used = new Set<number>();
  for (const a of atoms) for (const p of a.patterns) if (/^\d+$/.test(p)) used.add(Number(p));
  let other = 8888;
  while (used.has(other)) other++;
  return [other, ...[...used].sort((x, y) => x - y)];
}

/** Claim values are lists: the reachable truth vectors are the OR-closure of single-element vectors. */
function claimCells(atoms: readonly Atom[], patterns: readonly string[], scalar: boolean): Cell[] {
  const singles = cellsOf(atoms, stringCandidates(patterns, `${FILL}-other`).map((s) => [s]));
  const byKey = new Map<string, Cell>([[atoms.map(() => '0').join(''), { key: atoms.map(() => '0').join(''), rep: [], truth: atoms.map(() => false) }]]);
  const queue: Cell[] = [...byKey.values()];
  for (const s of singles) {
    if (byKey.has(s.key)) continue;
    byKey.set(s.key, s);
    queue.push(s);
  }
  if (scalar) return [...byKey.values()];
  // Close under union (bounded: atoms per claim are few in practice).
  for (let i = 0; i < queue.length && byKey.size < 512; i++) {
    for (const s of singles) {
      const a = queue[i] as Cell;
      const truth = a.truth.map((b, j) => b || (s.truth[j] as boolean));
      const key = truth.map((b) => (b ? '1' : '0')).join('');
      if (byKey.has(key)) continue;
      const cell = { key, rep: [...(a.rep as string[]), ...(s.rep as string[])], truth };
      byKey.set(key, cell);
      queue.push(cell);
    }
  }
  return [...byKey.values()];
}

export interface SpaceOptions {
  readonly trustDomains: readonly string[];
  readonly pathModes: readonly PathNormalizationMode[];
  /** The ports the workload can receive requests on (target-structure.ts); undefined: any port. */
  readonly exposure?: Exposure | undefined;
}

function guardOf(dim: DimKey): Guard {
  if (dim.startsWith('claim:')) return 'jwt';
  if (dim === 'method' || dim === 'path' || dim === 'host' || dim.startsWith('header:')) return 'http';
  return 'always';
}

/**
 * Candidate values of a dimension other than the port, protocol, token and claims, from its atoms:
 * together they take every truth vector over the atoms that some request can have.
 */
export function candidateValues(key: DimKey, atoms: readonly Atom[], options: SpaceOptions, onlyNamespaces?: ReadonlySet<string>): DimValue[] {
  const patterns = uniq(atoms.flatMap((a) => a.patterns));
  if (key === 'identity') return identityCandidates(atoms, options.trustDomains, onlyNamespaces);
  if (key.startsWith('ip:')) return ipCandidates(patterns);
  let candidates: DimValue[] = stringCandidates(patterns, key === 'path' ? `/${FILL}-other` : `${FILL}-other`);
  if (key === 'path') {
    candidates = candidates.filter((c) => typeof c === 'string' && c !== '' && !/[?#]/.test(c) && options.pathModes.every((m) => normalizePath(c, m).path === c));
  } else if (key === 'method') {
    candidates = candidates.filter((c) => c !== '');
  } else if (key !== 'sni') {
    candidates.push(undefined);
  }
  return candidates;
}

/** Every dimension with its cells, in enumeration order (cheap, coarse dimensions first). */
export function buildDims(atoms: TargetAtoms, options: SpaceOptions): Dim[] {
  const dims: Dim[] = [];
  const portAtoms = atoms.byDim.get('port') ?? [];
  dims.push({ key: 'port', guard: 'always', atoms: portAtoms, cells: cellsOf(portAtoms, portCandidates(portAtoms, options.exposure)) });
  dims.push({ key: 'protocol', guard: 'always', atoms: [], cells: ['http', 'grpc', 'tcp'].map((p) => ({ key: p, rep: p, truth: [] })) });
  if (atoms.jwtApplies) {
    const locations = [...atoms.tokenLocations].sort();
    const cells: Cell[] = [{ key: 'absent', rep: 'absent', truth: [] }, { key: 'invalid@header:authorization', rep: 'invalid@header:authorization', truth: [] }];
    for (const l of [...locations, OTHER_LOCATION]) cells.push({ key: `valid@${l}`, rep: `valid@${l}`, truth: [] });
    dims.push({ key: 'token', guard: 'http', atoms: [], cells });
  }
  const rest = [...atoms.byDim.keys()].filter((k) => k !== 'port').sort();
  for (const key of rest) {
    const list = atoms.byDim.get(key) ?? [];
    if (list.length === 0) continue;
    let cells: Cell[];
    if (key.startsWith('claim:')) {
      if (!atoms.jwtApplies) continue;
      cells = claimCells(list, uniq(list.flatMap((a) => a.patterns)), SCALAR_CLAIMS.has(key));
    } else {
      cells = cellsOf(list, candidateValues(key, list, options));
    }
    // Hosts that address a Service (structural) route ambient traffic on any protocol.
    const guard = key === 'host' && list.some((a) => a.structural) ? 'always' : guardOf(key);
    dims.push({ key, guard, atoms: list, cells });
  }
  return dims;
}
