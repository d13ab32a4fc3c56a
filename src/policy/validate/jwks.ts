// What istiod's webhook learns from an inline RequestAuthentication `jwks` with lestrrat-go/jwx v1
// jwk.Parse: whether it parses as a JWK set or a single JWK (JSON object; "keys" a list of keys; each key
// with a known kty and its required members as base64url strings), and which keys carry private material
// (RSA/EC/OKP with "d", and every symmetric "oct" key). An approximation of jwx: member encodings are
// checked for the base64 alphabet only. Never throws.

export interface JwksInspection {
  /** Parse error in words, or undefined when jwx would accept the set. */
  readonly error?: string;
  /** Indices of keys with private key material (only when the set parses). */
  readonly privateKeys: readonly number[];
}

const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  RSA: ['e', 'n'],
  EC: ['crv', 'x', 'y'],
  OKP: ['crv', 'x'],
  oct: ['k'],
};

const BYTE_MEMBERS = new Set(['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi', 'x', 'y', 'k']);
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function parseJson(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { error: error instanceof Error ? error.message : 'invalid JSON' };
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** ParseKey for one key: an error, or whether it is private. */
function inspectKey(key: unknown): { error: string } | { private: boolean } {
  if (!isRecord(key)) return { error: 'a key must be a JSON object' };
  const kty = key['kty'];
  if (kty !== undefined && kty !== null && typeof kty !== 'string') return { error: 'kty must be a string' };
  const required = typeof kty === 'string' ? REQUIRED[kty] : undefined;
  if (required === undefined) return { error: `invalid key type from JSON (${typeof kty === 'string' ? kty : ''}); use kty RSA, EC, OKP or oct` };
  const d = key['d'];
  const isPrivate = kty === 'oct' || (d !== undefined && d !== '');
  const needed = kty !== 'oct' && isPrivate ? [...required, 'd'] : required;
  for (const member of needed) {
    if (key[member] === undefined || key[member] === null) return { error: `required field ${member} is missing` };
  }
  for (const member in key) {
    if (!BYTE_MEMBERS.has(member) && member !== 'crv') continue;
    const v = key[member];
    if (v === null) continue;
    if (typeof v !== 'string') return { error: `failed to decode value for key ${member}: must be a string` };
    if (member !== 'crv' && (!BASE64.test(v) || v.replace(/=+$/, '').length % 4 === 1)) return { error: `failed to decode value for key ${member}: not base64url` };
  }
  return { private: isPrivate };
}

export function inspectJwks(text: string): JwksInspection {
  const parsed = parseJson(text);
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
