// Go's net/netip ParseAddr and ParsePrefix, ported byte for byte so that gic accepts exactly the IPs and
// CIDRs istiod accepts (leading zeros rejected, IPv6 zones allowed on addresses but not prefixes, no
// IPv4 shorthand). Returns an error message (Go's wording) or undefined; never throws.

const DIGITS = /^[0-9]+$/;

interface ParsedAddr {
  readonly is6: boolean;
  readonly zone: string;
}

type AddrResult = { readonly ok: true; readonly addr: ParsedAddr } | { readonly ok: false; readonly error: string };

function addrError(input: string, msg: string, at?: string): AddrResult {
  const where = at !== undefined && at !== '' ? ` (at ${JSON.stringify(at)})` : '';
  return { ok: false, error: `ParseAddr(${JSON.stringify(input)}): ${msg}${where}` };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** parseIPv4Fields over in[off:end]; returns an error message or undefined. */
function parseIPv4Fields(input: string, off: number, end: number): string | undefined {
  const s = input.slice(off, end);
  let val = 0;
  let pos = 0;
  let digLen = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) {
      if (digLen === 1 && val === 0) return fail(input, 'IPv4 field has octet with leading zero');
      val = val * 10 + (c - 48);
      digLen++;
      if (val > 255) return fail(input, 'IPv4 field has value >255');
    } else if (c === 46) {
      if (i === 0 || i === s.length - 1 || s.charCodeAt(i - 1) === 46) {
        return fail(input, 'IPv4 field must have at least one digit', s.slice(i));
      }
      if (pos === 3) return fail(input, 'IPv4 address too long');
      pos++;
      val = 0;
      digLen = 0;
    } else {
      return fail(input, 'unexpected character', s.slice(i));
    }
  }
  if (pos < 3) return fail(input, 'IPv4 address too short');
  return undefined;
}

function fail(input: string, msg: string, at?: string): string {
  const r = addrError(input, msg, at);
  return r.ok ? '' : r.error;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function parseIPv6(input: string): AddrResult {
  let s = input;
  let zone = '';
  const pct = s.indexOf('%');
  if (pct !== -1) {
    zone = s.slice(pct + 1);
    s = s.slice(0, pct);
    if (zone === '') return addrError(input, 'zone must be a non-empty string');
  }
  let ellipsis = -1;
  if (s.length >= 2 && s.charCodeAt(0) === 58 && s.charCodeAt(1) === 58) {
    ellipsis = 0;
    s = s.slice(2);
    if (s.length === 0) return { ok: true, addr: { is6: true, zone } };
  }
  let i = 0;
  while (i < 16) {
    let off = 0;
    let acc = 0;
    for (; off < s.length; off++) {
      const h = hexValue(s.charCodeAt(off));
      if (h < 0) break;
      acc = acc * 16 + h;
      if (off > 3) return addrError(input, 'each group must have 4 or less digits', s);
      if (acc > 0xffff) return addrError(input, 'IPv6 field has value >=2^16', s);
    }
    if (off === 0) return addrError(input, 'each colon-separated field must have at least one digit', s);
    if (off < s.length && s.charCodeAt(off) === 46) {
      if (ellipsis < 0 && i !== 12) {
        return addrError(input, 'embedded IPv4 address must replace the final 2 fields of the address', s);
      }
      if (i + 4 > 16) {
        return addrError(input, 'too many hex fields to fit an embedded IPv4 at the end of the address', s);
      }
      let end = input.length;
      if (zone.length > 0) end -= zone.length + 1;
      const err = parseIPv4Fields(input, end - s.length, end);
      if (err !== undefined) return { ok: false, error: err };
      s = '';
      i += 4;
      break;
    }
    i += 2;
    s = s.slice(off);
    if (s.length === 0) break;
    if (s.charCodeAt(0) !== 58) return addrError(input, 'unexpected character, want colon', s);
    if (s.length === 1) return addrError(input, 'colon must be followed by more characters', s);
    s = s.slice(1);
    if (s.charCodeAt(0) === 58) {
      if (ellipsis >= 0) return addrError(input, 'multiple :: in address', s);
      ellipsis = i;
      s = s.slice(1);
      if (s.length === 0) break;
    }
  }
  if (s.length !== 0) return addrError(input, 'trailing garbage after address', s);
  if (i < 16) {
    if (ellipsis < 0) return addrError(input, 'address string too short');
  } else if (ellipsis >= 0) {
    return addrError(input, 'the :: must expand to at least one field of zeros');
  }
  return { ok: true, addr: { is6: true, zone } };
}

function parseAddrResult(s: string): AddrResult {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      const err = parseIPv4Fields(s, 0, s.length);
      return err === undefined ? { ok: true, addr: { is6: false, zone: '' } } : { ok: false, error: err };
    }
    if (c === 58) return parseIPv6(s);
    if (c === 37) return addrError(s, 'missing IPv6 address');
  }
  return addrError(s, 'unable to parse IP');
}

/** Go `netip.ParseAddr`: undefined when valid, else Go's error text. */
export function goParseAddr(s: string): string | undefined {
  const r = parseAddrResult(s);
  return r.ok ? undefined : r.error;
}

/** Go `netip.ParsePrefix`: undefined when valid, else Go's error text. */
export function goParsePrefix(s: string): string | undefined {
  const prefixError = (msg: string): string => `netip.ParsePrefix(${JSON.stringify(s)}): ${msg}`;
  const i = s.lastIndexOf('/');
  if (i < 0) return prefixError("no '/'");
  const r = parseAddrResult(s.slice(0, i));
  if (!r.ok) return prefixError(r.error);
  if (r.addr.is6 && r.addr.zone !== '') return prefixError('IPv6 zones cannot be present in a prefix');
  const bitsStr = s.slice(i + 1);
  const first = bitsStr.charCodeAt(0);
  if (bitsStr.length > 1 && !(first >= 49 && first <= 57)) return prefixError(`bad bits after slash: ${JSON.stringify(bitsStr)}`);
  // strconv.Atoi: optional sign (only reachable for a 1-char string here, so just digits), base 10.
  if (!DIGITS.test(bitsStr) || bitsStr.length > 19) return prefixError(`bad bits after slash: ${JSON.stringify(bitsStr)}`);
  const bits = Number(bitsStr);
  const maxBits = r.addr.is6 ? 128 : 32;
  if (bits > maxBits) return prefixError('prefix length out of range');
  return undefined;
}
