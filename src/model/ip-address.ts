// IP addresses for the egress guard: parses every literal spelling a resolver or URL parser accepts as an
// address (dotted decimal; the inet_aton forms with fewer parts and octal or hex parts, e.g. `0x7f.1`,
// `0177.0.0.1`, `2130706433`; IPv6 with `::`, an embedded IPv4 tail, brackets and a zone) and classifies
// it. IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is classified as the IPv4 address it carries. Pure.

export interface IpAddress {
  readonly family: 4 | 6;
  /** 4 or 16 bytes, network order. */
  readonly bytes: readonly number[];
}

/** What an address is, for the guard: only loopback, private and link-local are inside. */
export type AddressKind =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'shared'
  | 'reserved'
  | 'public';

export interface ClassifiedAddress {
  /** Canonical text: dotted quad, or RFC 5952 IPv6 (an IPv4-mapped address as `::ffff:a.b.c.d`). */
  readonly address: string;
  readonly kind: AddressKind;
  /** The IPv4 address an IPv4-mapped IPv6 address carries (classified as that address). */
  readonly mappedIpv4?: string;
}

/** The kinds the egress guard lets a connection reach. */
export const INSIDE_KINDS: ReadonlySet<AddressKind> = new Set(['loopback', 'private', 'link-local']);

/** Parses an IPv4 or IPv6 literal in any accepted spelling; undefined when `text` is not an address. */
export function parseIpLiteral(text: string): IpAddress | undefined {
  let host = text.trim();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host.includes(':')) return parseIpv6(host);
  return parseIpv4(host.endsWith('.') ? host.slice(0, -1) : host);
}

/** inet_aton: 1 to 4 parts, each decimal, octal (leading 0) or hex (0x); the last part fills the rest. */
export function parseIpv4(text: string): IpAddress | undefined {
  if (text === '') return undefined;
  const parts = text.split('.');
  if (parts.length > 4) return undefined;
  const numbers: number[] = [];
  for (const part of parts) {
    const value = parseIpv4Part(part);
    if (value === undefined) return undefined;
    numbers.push(value);
  }
  const last = numbers.pop() as number;
  if (numbers.some((n) => n > 255)) return undefined;
  const restBytes = 4 - numbers.length;
  if (last >= 256 ** restBytes) return undefined;
  const tail: number[] = [];
  for (let index = restBytes - 1; index >= 0; index--) tail.push(Math.floor(last / 256 ** index) % 256);
  return { family: 4, bytes: [...numbers, ...tail] };
}

function parseIpv4Part(part: string): number | undefined {
  let digits = part;
  let radix = 10;
  if (/^0x/i.test(part)) {
    digits = part.slice(2);
    radix = 16;
    if (digits === '') return 0; // `0x` alone is 0 in the WHATWG parser and inet_aton
  } else if (part.length > 1 && part.startsWith('0')) {
    digits = part.slice(1);
    radix = 8;
  }
  const pattern = radix === 16 ? /^[0-9a-f]+$/i : radix === 8 ? /^[0-7]+$/ : /^\d+$/;
  if (!pattern.test(digits)) return undefined;
  const value = Number.parseInt(digits, radix);
  return Number.isSafeInteger(value) && value <= 0xff_ff_ff_ff ? value : undefined;
}

function parseIpv6(text: string): IpAddress | undefined {
  const zone = text.indexOf('%');
  const host = zone >= 0 ? text.slice(0, zone) : text;
  if (!/^[0-9a-f:.]+$/i.test(host)) return undefined;
  const halves = host.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string): number[] | undefined => {
    if (half === '') return [];
    const out: number[] = [];
    const pieces = half.split(':');
    for (const [index, piece] of pieces.entries()) {
      if (piece.includes('.')) {
        // An IPv4 tail: only as the last piece, only dotted decimal with four parts.
        if (index !== pieces.length - 1 || !/^\d{1,3}(\.\d{1,3}){3}$/.test(piece)) return undefined;
        const bytes = piece.split('.').map(Number);
        if (bytes.some((b) => b > 255)) return undefined;
        out.push(((bytes[0] as number) << 8) | (bytes[1] as number), ((bytes[2] as number) << 8) | (bytes[3] as number));
      } else {
        if (!/^[0-9a-f]{1,4}$/i.test(piece)) return undefined;
        out.push(Number.parseInt(piece, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array<number>(missing).fill(0), ...tail];
  return { family: 6, bytes: all.flatMap((group) => [group >> 8, group & 0xff]) };
}

/** Canonical text of an address (RFC 5952 for IPv6; IPv4-mapped as `::ffff:a.b.c.d`). */
export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) return ip.bytes.join('.');
  const mapped = mappedIpv4(ip);
  if (mapped !== undefined) return `::ffff:${formatIp(mapped)}`;
  const groups = Array.from({ length: 8 }, (_, index) => ((ip.bytes[2 * index] as number) << 8) | (ip.bytes[2 * index + 1] as number));
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; ) {
    if (groups[start] !== 0) {
      start++;
      continue;
    }
    let end = start;
    while (end < 8 && groups[end] === 0) end++;
    if (end - start > bestLength) {
      bestStart = start;
      bestLength = end - start;
    }
    start = end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** The IPv4 address inside `::ffff:a.b.c.d` (IPv4-mapped), else undefined. */
export function mappedIpv4(ip: IpAddress): IpAddress | undefined {
  if (ip.family !== 6) return undefined;
  const prefixZero = ip.bytes.slice(0, 10).every((b) => b === 0);
  if (!prefixZero || ip.bytes[10] !== 0xff || ip.bytes[11] !== 0xff) return undefined;
  return { family: 4, bytes: ip.bytes.slice(12) };
}

/** What kind of address `ip` is; an IPv4-mapped address is the IPv4 address it carries. */
export function classifyIp(ip: IpAddress): ClassifiedAddress {
  const address = formatIp(ip);
  const mapped = mappedIpv4(ip);
  if (mapped !== undefined) return { address, kind: ipv4Kind(mapped.bytes), mappedIpv4: formatIp(mapped) };
  return { address, kind: ip.family === 4 ? ipv4Kind(ip.bytes) : ipv6Kind(ip.bytes) };
}

/** True when `ip` lies in `network`/`prefix` (same family; IPv4-mapped addresses match IPv4 networks). */
export function inNetwork(ip: IpAddress, network: IpAddress, prefix: number): boolean {
  const subject = network.family === 4 ? (ip.family === 4 ? ip : mappedIpv4(ip)) : ip.family === 6 ? ip : undefined;
  if (subject === undefined) return false;
  for (let bit = 0; bit < prefix; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if (((subject.bytes[byte] as number) & mask) !== ((network.bytes[byte] as number) & mask)) return false;
  }
  return true;
}

function ipv4Kind(bytes: readonly number[]): AddressKind {
  const [a = 0, b = 0, c = 0] = bytes;
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 0) return 'unspecified';
  if (a >= 224 && a <= 239) return 'multicast';
  if (bytes.every((x) => x === 255)) return 'broadcast';
  if (a === 100 && b >= 64 && b <= 127) return 'shared';
  // 192.0.0/24 (IETF), 192.0.2/24, 198.51.100/24, 203.0.113/24 (documentation), 198.18/15 (benchmarks), 240/4.
  if ((a === 192 && b === 0 && (c === 0 || c === 2)) || (a === 198 && (b === 18 || b === 19 || (b === 51 && c === 100))) || (a === 203 && b === 0 && c === 113) || a >= 240) {
    return 'reserved';
  }
  return 'public';
}

function ipv6Kind(bytes: readonly number[]): AddressKind {
  const zeroUntil = (n: number): boolean => bytes.slice(0, n).every((b) => b === 0);
  if (zeroUntil(15) && bytes[15] === 1) return 'loopback';
  if (zeroUntil(16)) return 'unspecified';
  const first = bytes[0] as number;
  const second = bytes[1] as number;
  if ((first & 0xfe) === 0xfc) return 'private'; // fc00::/7 unique local
  if (first === 0xfe && (second & 0xc0) === 0x80) return 'link-local'; // fe80::/10
  if (first === 0xff) return 'multicast';
  if (first === 0xfe && (second & 0xc0) === 0xc0) return 'reserved'; // fec0::/10 deprecated site-local
  if (zeroUntil(12)) return 'reserved'; // ::a.b.c.d IPv4-compatible (deprecated): not the IPv4 host
  if (first === 0x20 && second === 0x01 && bytes[2] === 0x0d && bytes[3] === 0xb8) return 'reserved'; // 2001:db8::/32 documentation
  return 'public'; // includes NAT64 64:ff9b::/96, 6to4 and Teredo: they reach the public IPv4 internet
}
