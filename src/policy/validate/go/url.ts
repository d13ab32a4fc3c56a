// The parts of Go's net/url that istiod and the CRD's CEL `url()` apply to RequestAuthentication
// `jwksUri`: url.Parse / url.ParseRequestURI acceptance (control bytes, scheme syntax, authority with
// host and port, IP literals, %-escapes) and the resulting scheme and port. Ported from Go 1.26; never
// throws. Query strings are not validated (Go does not either).
import { goParseAddr } from './netip.js';

export interface GoUrl {
  /** Lower-cased scheme, '' when none. */
  readonly scheme: string;
  /** Host including `:port`, as Go's URL.Host. */
  readonly host: string;
  /** URL.Port(): '' when absent. */
  readonly port: string;
}

export type GoUrlResult = { readonly url: GoUrl } | { readonly error: string };

const HOST_OK = new Set("!$&'()*+,;=:[]<>\"-_.~".split(''));

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function unhex(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return c - 55;
}

type Mode = 'host' | 'zone' | 'path' | 'fragment' | 'user';

/** Go `unescape` validity check for a component: an error message or undefined. */
function checkEscapes(s: string, mode: Mode): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37) {
      if (i + 2 >= s.length || !isHex(s.charCodeAt(i + 1)) || !isHex(s.charCodeAt(i + 2))) {
        return `invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`;
      }
      if (mode === 'host' && unhex(s.charCodeAt(i + 1)) < 8 && s.slice(i, i + 3) !== '%25') {
        return `invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`;
      }
      if (mode === 'zone') {
        const v = unhex(s.charCodeAt(i + 1)) * 16 + unhex(s.charCodeAt(i + 2));
        if (s.slice(i, i + 3) !== '%25' && v !== 32 && v < 0x80 && !isAlnum(v) && !HOST_OK.has(String.fromCharCode(v))) {
          return `invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`;
        }
      }
      i += 2;
    } else if ((mode === 'host' || mode === 'zone') && c < 0x80 && !isAlnum(c) && !HOST_OK.has(s[i] ?? '')) {
      return `invalid character ${JSON.stringify(s[i])} in host name`;
    }
  }
  return undefined;
}

function validOptionalPort(port: string): boolean {
  if (port === '') return true;
  if (port[0] !== ':') return false;
  for (let i = 1; i < port.length; i++) {
    const c = port.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

const USERINFO_OK = new Set("-._:~!$&'()*+,;=%@".split(''));

function getScheme(raw: string): { scheme: string; rest: string } | { error: string } {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) continue;
    if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) {
      if (i === 0) return { scheme: '', rest: raw };
      continue;
    }
    if (c === 58) {
      if (i === 0) return { error: 'missing protocol scheme' };
      return { scheme: raw.slice(0, i), rest: raw.slice(i + 1) };
    }
    return { scheme: '', rest: raw };
  }
  return { scheme: '', rest: raw };
}

function parseHost(scheme: string, host: string): string | undefined {
  const open = host.lastIndexOf('[');
  if (open > 0) return 'invalid IP-literal';
  if (open === 0) {
    const close = host.lastIndexOf(']');
    if (close < 0) return "missing ']' in host";
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) return `invalid port ${JSON.stringify(colonPort)} after host`;
    const hostname = host.slice(1, close);
    const zoneIdx = hostname.indexOf('%25');
    let unescaped: string;
    if (zoneIdx >= 0) {
      const e = checkEscapes(hostname.slice(0, zoneIdx), 'host') ?? checkEscapes(hostname.slice(zoneIdx), 'zone');
      if (e !== undefined) return e;
      unescaped = decode(hostname.slice(0, zoneIdx)) + decode(hostname.slice(zoneIdx));
    } else {
      const e = checkEscapes(hostname, 'host');
      if (e !== undefined) return e;
      unescaped = decode(hostname);
    }
    const addrError = goParseAddr(unescaped);
    if (addrError !== undefined) return `invalid host: ${addrError}`;
    if (!unescaped.includes(':')) return 'invalid IP-literal';
    return undefined;
  }
  const first = host.indexOf(':');
  if (first !== -1) {
    let i = first;
    if (host.lastIndexOf(':') !== first && !(scheme === 'http' || scheme === 'https')) i = host.lastIndexOf(':');
    const colonPort = host.slice(i);
    if (!validOptionalPort(colonPort)) return `invalid port ${JSON.stringify(colonPort)} after host`;
  }
  return checkEscapes(host, 'host');
}

function decode(s: string): string {
  return s.replace(/%([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
}

function splitPort(host: string): string {
  const colon = host.lastIndexOf(':');
  if (colon !== -1 && validOptionalPort(host.slice(colon))) return host.slice(colon + 1);
  return '';
}

function parse(raw: string, viaRequest: boolean): GoUrlResult {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 32 || c === 0x7f) return { error: 'net/url: invalid control character in URL' };
  }
  if (raw === '' && viaRequest) return { error: 'empty url' };
  if (raw === '*') return { url: { scheme: '', host: '', port: '' } };
  const sch = getScheme(raw);
  if ('error' in sch) return sch;
  const scheme = sch.scheme.toLowerCase();
  let rest = sch.rest;
  const q = rest.indexOf('?');
  if (q >= 0) rest = rest.slice(0, q);
  if (!rest.startsWith('/')) {
    if (scheme !== '') return { url: { scheme, host: '', port: '' } };
    if (viaRequest) return { error: 'invalid URI for request' };
    const slash = rest.indexOf('/');
    const segment = slash >= 0 ? rest.slice(0, slash) : rest;
    if (segment.includes(':')) return { error: 'first path segment in URL cannot contain colon' };
  }
  let host = '';
  if ((scheme !== '' || (!viaRequest && !rest.startsWith('///'))) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    const at = authority.lastIndexOf('@');
    const hostPart = at < 0 ? authority : authority.slice(at + 1);
    const hostError = parseHost(scheme, hostPart);
    if (hostError !== undefined) return { error: hostError };
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      for (const ch of userinfo) {
        if (!isAlnum(ch.charCodeAt(0)) && !USERINFO_OK.has(ch)) return { error: 'net/url: invalid userinfo' };
      }
      const colon = userinfo.indexOf(':');
      const e = colon < 0 ? checkEscapes(userinfo, 'user') : (checkEscapes(userinfo.slice(0, colon), 'user') ?? checkEscapes(userinfo.slice(colon + 1), 'user'));
      if (e !== undefined) return { error: e };
    }
    host = hostPart;
  }
  const pathError = checkEscapes(rest, 'path');
  if (pathError !== undefined) return { error: pathError };
  return { url: { scheme, host, port: splitPort(host) } };
}

/** Go `url.Parse`. */
export function goParseUrl(raw: string): GoUrlResult {
  const hash = raw.indexOf('#');
  const main = hash >= 0 ? raw.slice(0, hash) : raw;
  const r = parse(main, false);
  if ('error' in r) return { error: `parse ${JSON.stringify(main)}: ${r.error}` };
  if (hash >= 0) {
    const e = checkEscapes(raw.slice(hash + 1), 'fragment');
    if (e !== undefined) return { error: `parse ${JSON.stringify(raw)}: ${e}` };
  }
  return r;
}

/** Go `url.ParseRequestURI`. */
export function goParseRequestUri(raw: string): GoUrlResult {
  const r = parse(raw, true);
  return 'error' in r ? { error: `parse ${JSON.stringify(raw)}: ${r.error}` } : r;
}
