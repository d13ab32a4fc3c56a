// What istiod's webhook learns from an inline RequestAuthentication `jwks` with lestrrat-go/jwx v1.2
// jwk.Parse (jwk/set.go, jwk/jwk.go ParseKey, the generated *_gen.go UnmarshalJSON of each key type):
//   - the text is read with a json.Decoder: the first JSON value counts, whatever follows is ignored;
//   - a JSON object; with a "keys" member (a list or null) it is a key set, else one sole key;
//   - a key: its "kty" (a string) picks RSA, EC, OKP or oct, private when "d" is present at all;
//     string members (alg, kid, use, crv, x5t, x5t#S256, x5u) must be strings or null; key_ops a list of
//     strings; x5c a list of base64 DER certificates (checked for the base64 and the DER SEQUENCE tag
//     only); the key material members are base64 in the encoding jwx picks (URL alphabet unless the
//     text has + or /, padded when it ends in =); every required member present (null counts);
//   - other members may hold any JSON.
// Private key material (RSA/EC/OKP private keys and every oct key) is reported for the warning. Never throws.

export interface JwksInspection {
  /** Parse error in words, or undefined when jwx would accept the set. */
  readonly error?: string;
  /** Indices of keys with private key material (only when the set parses). */
  readonly privateKeys: readonly number[];
}

const BYTES: Readonly<Record<string, readonly string[]>> = {
  RSA: ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'],
  EC: ['x', 'y', 'd'],
  OKP: ['x', 'd'],
  oct: ['k'],
};
const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  RSA: ['e', 'n'],
  EC: ['crv', 'x', 'y'],
  OKP: ['crv', 'x'],
  oct: ['k'],
};
const STRINGS = ['kty', 'alg', 'kid', 'use', 'x5t', 'x5t#S256', 'x5u'];

/** The end offset of the JSON value starting at `i` (after whitespace), or -1 when there is none. */
function valueEnd(text: string, start: number): number {
  let i = start;
  while (i < text.length && ' \t\r\n'.includes(text[i] as string)) i++;
  if (i >= text.length) return -1;
  const c = text[i] as string;
  if (c === '"') {
    for (let j = i + 1; j < text.length; j++) {
      if (text[j] === '\\') j++;
      else if (text[j] === '"') return j + 1;
    }
    return -1;
  }
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const d = text[j];
      if (d === '"') {
        const end = valueEnd(text, j);
        if (end < 0) return -1;
        j = end - 1;
      } else if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return -1;
  }
  const m = /^(?:-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null)/.exec(text.slice(i));
  return m === null ? -1 : i + m[0].length;
}

/** json.NewDecoder(...).Decode: the first JSON value of the text; trailing text is not read. */
function firstJsonValue(text: string): { value: unknown } | { error: string } {
  const end = valueEnd(text, 0);
  try {
    if (end < 0) return { value: JSON.parse(text) as unknown };
    return { value: JSON.parse(text.slice(0, end)) as unknown };
  } catch (error) {
    return { error: error instanceof Error ? error.message : 'invalid JSON' };
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** jwx internal/base64.Decode: the encoding follows from the text; Go's (non-strict) decoder rules. */
function isJwxBase64(s: string): boolean {
  const padded = s.endsWith('=');
  const url = !/[+/]/.test(s);
  const alphabet = url ? /^[A-Za-z0-9_-]*$/ : /^[A-Za-z0-9+/]*$/;
  if (padded) {
    const body = s.replace(/={1,2}$/, '');
    return alphabet.test(body) && s.length % 4 === 0 && s.length - body.length === (4 - (body.length % 4)) % 4;
  }
  return alphabet.test(s) && s.length % 4 !== 1;
}

/** A base64 (std, padded) DER certificate: decodable and starting with a SEQUENCE. */
function isCertificate(s: string): boolean {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s) || s === '') return false;
  return atob(s.slice(0, 4)).charCodeAt(0) === 0x30;
}

/** ParseKey for one key: an error, or whether it is private. */
function inspectKey(key: unknown): { error: string } | { private: boolean } {
  if (key === null) return { error: 'invalid key type from JSON ()' };
  if (!isRecord(key)) return { error: `failed to unmarshal JSON into key hint: cannot unmarshal ${Array.isArray(key) ? 'array' : typeof key} into a key` };
  const kty = key['kty'];
  if (kty !== undefined && kty !== null && typeof kty !== 'string') return { error: 'failed to unmarshal JSON into key hint: kty must be a string' };
  const bytes = typeof kty === 'string' ? BYTES[kty] : undefined;
  if (bytes === undefined) return { error: `invalid key type from JSON (${typeof kty === 'string' ? kty : ''}); use kty RSA, EC, OKP or oct` };
  const isPrivate = kty === 'oct' || Object.hasOwn(key, 'd');
  for (const [member, v] of Object.entries(key)) {
    if (v === null) continue;
    if (STRINGS.includes(member) || ((kty === 'EC' || kty === 'OKP') && member === 'crv')) {
      if (typeof v !== 'string') return { error: `failed to decode value for key ${member}: must be a string` };
    } else if (member === 'key_ops') {
      if (!Array.isArray(v) || !v.every((e) => typeof e === 'string')) return { error: 'failed to decode value for key key_ops: must be a list of strings' };
    } else if (member === 'x5c') {
      if (!Array.isArray(v) || !v.every((e) => typeof e === 'string')) return { error: 'failed to decode value for key x5c: failed to unmarshal JSON into []string' };
      if (!v.every((e) => isCertificate(e as string))) return { error: 'failed to decode value for key x5c: not a base64 DER certificate chain' };
    } else if (bytes.includes(member)) {
      if (typeof v !== 'string' || !isJwxBase64(v)) return { error: `failed to decode value for key ${member}: expected base64 encoded []byte` };
    }
  }
  const base = REQUIRED[kty as string] ?? [];
  const required = kty !== 'oct' && isPrivate ? [...base, 'd'] : base;
  for (const member of required) if (!Object.hasOwn(key, member)) return { error: `required field ${member} is missing` };
  return { private: isPrivate };
}

export function inspectJwks(text: string): JwksInspection {
  const parsed = firstJsonValue(text);
  if ('error' in parsed) return { error: `failed to unmarshal JWK set: ${parsed.error}`, privateKeys: [] };
  const root = parsed.value;
  if (!isRecord(root)) return { error: "failed to unmarshal JWK set: expected '{'", privateKeys: [] };
  const privateKeys: number[] = [];
  if (Object.hasOwn(root, 'keys')) {
    const keys = root['keys'];
    if (keys !== null && !Array.isArray(keys)) return { error: 'failed to unmarshal JWK set: failed to decode "keys": must be a list', privateKeys: [] };
    const list: readonly unknown[] = keys ?? [];
    for (let i = 0; i < list.length; i++) {
      const r = inspectKey(list[i]);
      if ('error' in r) return { error: `failed to unmarshal JWK set: failed to decode key #${i} in "keys": ${r.error}`, privateKeys: [] };
      if (r.private) privateKeys.push(i);
    }
    return { privateKeys };
  }
  const r = inspectKey(root);
  if ('error' in r) return { error: `failed to unmarshal JWK set: failed to parse sole key in key set: ${r.error}`, privateKeys: [] };
  return { privateKeys: r.private ? [0] : [] };
}
