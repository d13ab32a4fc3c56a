// The path an Envoy-based proxy evaluates (docs/reference/istio-authz.md §2.12): query and fragment
// stripped, then MeshConfig `pathNormalization` (BASE, MERGE_SLASHES, DECODE_AND_MERGE_SLASHES, NONE).
// A path the proxy rejects outright (400) comes back as `{rejected}`.
import type { MeshConfig } from '../resources/mesh-config.js';

export type PathNormalizationMode = MeshConfig['pathNormalization'];

export type NormalizedPath = { readonly path: string; readonly rejected?: undefined } | { readonly path?: undefined; readonly rejected: string };

const HEX = /^[0-9A-Fa-f]{2}$/;

function isUnreserved(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x2d || code === 0x2e || code === 0x5f || code === 0x7e
  );
}

/** Decodes `%XX` escapes whose byte satisfies `which`, once. */
function decodeSome(path: string, which: (code: number) => boolean): string {
  if (!path.includes('%')) return path;
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i] as string;
    if (c === '%' && i + 2 < path.length + 0 && HEX.test(path.slice(i + 1, i + 3))) {
      const code = parseInt(path.slice(i + 1, i + 3), 16);
      if (which(code)) {
        out += String.fromCharCode(code);
        i += 2;
        continue;
      }
    }
    out += c;
  }
  return out;
}

/** RFC 3986 §5.2.4 remove_dot_segments. */
export function removeDotSegments(path: string): string {
  if (!path.includes('.')) return path;
  const input = path.split('/');
  const out: string[] = [];
  const absolute = path.startsWith('/');
  for (let i = absolute ? 1 : 0; i < input.length; i++) {
    const seg = input[i] as string;
    const last = i === input.length - 1;
    if (seg === '.') {
      if (last) out.push('');
      continue;
    }
    if (seg === '..') {
      if (out.length > 0) out.pop();
      if (last) out.push('');
      continue;
    }
    out.push(seg);
  }
  return (absolute ? '/' : '') + out.join('/');
}

/** Strips `?query` and `#fragment`: what AuthorizationPolicy `paths` are compared with. */
export function stripQuery(path: string): string {
  let end = path.length;
  const q = path.indexOf('?');
  if (q >= 0) end = q;
  const h = path.indexOf('#');
  if (h >= 0 && h < end) end = h;
  return end === path.length ? path : path.slice(0, end);
}

export function normalizePath(raw: string, mode: PathNormalizationMode): NormalizedPath {
  let path = stripQuery(raw);
  if (path.includes('%00')) return { rejected: 'the path contains %00 (Envoy answers 400 before any policy runs)' };
  if (mode === 'NONE') return { path };
  if (mode === 'DECODE_AND_MERGE_SLASHES') path = decodeSome(path, (c) => c === 0x2f || c === 0x5c);
  if (path.includes('\\')) path = path.replaceAll('\\', '/');
  path = decodeSome(path, isUnreserved);
  path = removeDotSegments(path);
  if ((mode === 'MERGE_SLASHES' || mode === 'DECODE_AND_MERGE_SLASHES') && path.includes('//')) path = path.replace(/\/{2,}/g, '/');
  if (path === '') path = '/';
  return { path };
}
