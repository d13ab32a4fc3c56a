// IP addresses and CIDR ranges as Envoy's RBAC compares them (`util.AddrStrToCidrRange`: a bare IP is
// a /32 or /128). Parsing happens at compile time; matching is integer arithmetic.

export interface IpAddress {
  readonly v6: boolean;
  /** IPv4: the address as an unsigned 32-bit number. */
  readonly v4: number;
  /** IPv6: the address as a 128-bit integer. */
  readonly v6n: bigint;
}

export interface CidrRange {
  readonly v6: boolean;
  readonly bits: number;
  readonly v4: number;
  readonly v6n: bigint;
}

/** Dotted-quad IPv4 (four 1-3 digit octets, at most 255, no leading zero as Go's netip) as a number. */
function parseV4(s: string): number | undefined {
  let n = 0;
  let octets = 0;
  let i = 0;
  while (octets < 4) {
    const start = i;
    let octet = 0;
    for (; i < s.length && i - start < 4; i++) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      octet = octet * 10 + c;
    }
    const digits = i - start;
    if (digits === 0 || digits > 3 || octet > 255 || (digits > 1 && s.charCodeAt(start) === 48)) return undefined;
    n = n * 256 + octet;
    octets++;
    if (octets < 4) {
      if (s.charCodeAt(i) !== 46) return undefined;
      i++;
    }
  }
  return i === s.length ? n : undefined;
}

function parseV6(s: string): bigint | undefined {
  if (s.includes('%')) return undefined;
  let text = s;
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.slice(lastColon + 1).includes('.')) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${Math.floor(v4 / 65536).toString(16)}:${(v4 % 65536).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parseGroups(halves[0] as string);
  const rest = halves.length === 2 ? parseGroups(halves[1] as string) : [];
  if (head === undefined || rest === undefined) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    if (head.length + rest.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest];
  } else {
    if (head.length !== 8) return undefined;
    groups = head;
  }
  let n = 0n;
  for (const g of groups) n = (n << 16n) | BigInt(g);
  return n;
}

const MEMO_LIMIT = 4096;
const memo = new Map<string, IpAddress | null>();

/** Parses an IPv4 or IPv6 address (no zone, no brackets); undefined when it is not one. IPv6 is memoized. */
export function parseIp(s: string): IpAddress | undefined {
  const v4 = parseV4(s);
  if (v4 !== undefined) return { v6: false, v4, v6n: 0n };
  if (!s.includes(':')) return undefined;
  const hit = memo.get(s);
  if (hit !== undefined) return hit ?? undefined;
  const v6n = parseV6(s);
  const parsed = v6n === undefined ? undefined : { v6: true, v4: 0, v6n };
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(s, parsed ?? null);
  return parsed;
}

/** `10.0.0.0/8`, `10.1.2.3` (= /32), `2001:db8::/32`; undefined when invalid. */
export function parseCidr(s: string): CidrRange | undefined {
  const slash = s.indexOf('/');
  const addr = parseIp(slash >= 0 ? s.slice(0, slash) : s);
  if (addr === undefined) return undefined;
  const max = addr.v6 ? 128 : 32;
  let bits = max;
  if (slash >= 0) {
    const b = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(b)) return undefined;
    bits = Number(b);
    if (bits > max) return undefined;
  }
  if (addr.v6) {
    const mask = bits === 0 ? 0n : ((1n << BigInt(bits)) - 1n) << BigInt(128 - bits);
    return { v6: true, bits, v4: 0, v6n: addr.v6n & mask };
  }
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { v6: false, bits, v4: (addr.v4 & mask) >>> 0, v6n: 0n };
}

export function cidrContains(range: CidrRange, ip: IpAddress): boolean {
  if (range.v6 !== ip.v6) return false;
  if (!ip.v6) {
    if (range.bits === 0) return true;
    const mask = (0xffffffff << (32 - range.bits)) >>> 0;
    return ((ip.v4 & mask) >>> 0) === range.v4;
  }
  if (range.bits === 0) return true;
  const shift = BigInt(128 - range.bits);
  return ip.v6n >> shift === range.v6n >> shift;
}
