// Scalars as kubectl reads them: sigs.k8s.io/yaml decodes YAML with go-yaml v2 (go.yaml.in/yaml/v2
// resolve.go) and hands the result on as JSON. A plain scalar is looked up in v2's table (YAML 1.1
// booleans y/yes/on/n/no/off in three casings, true/false, nulls, .inf/.nan, the merge key); one that
// starts with a digit or a sign has its underscores removed and is an integer if Go's
// strconv.ParseInt/ParseUint with base 0 accept it (so 0777 is octal 511, 0b101 is 5, 0X1F and +0x1F
// are 31, 1_000 is 1000), else a float if it has YAML's float syntax and does not overflow (08 is 8.0,
// 1e400 stays a string); one that starts with '.' is a float if Go's ParseFloat accepts it. Everything
// else is a string. Explicit standard tags (!!int "0777") resolve the same text and fail when the kind
// does not fit. Pure: strings in, values out.

export type GoYamlKind = 'null' | 'bool' | 'int' | 'float' | 'str' | 'merge';

export interface GoYamlScalar {
  readonly kind: GoYamlKind;
  readonly value: unknown;
}

const TABLE = new Map<string, GoYamlScalar>();
const put = (kind: GoYamlKind, value: unknown, forms: readonly string[]): void => {
  for (const f of forms) TABLE.set(f, { kind, value });
};
put('bool', true, ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
put('bool', false, ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
put('null', null, ['', '~', 'null', 'Null', 'NULL']);
put('float', Number.NaN, ['.nan', '.NaN', '.NAN']);
put('float', Number.POSITIVE_INFINITY, ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']);
put('float', Number.NEGATIVE_INFINITY, ['-.inf', '-.Inf', '-.INF']);
put('merge', '<<', ['<<']);

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const DIGITS: Readonly<Record<number, RegExp>> = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ };

/** Go strconv.ParseInt(s, 0, 64) (signed) or ParseUint(s, 0, 64) (unsigned) on an underscore-free string. */
function goParseInt(s: string, signed: boolean): bigint | undefined {
  let body = s;
  let negative = false;
  if (signed && (body.startsWith('+') || body.startsWith('-'))) {
    negative = body[0] === '-';
    body = body.slice(1);
  }
  let base = 10;
  let digits = body;
  if (body.length > 1 && body[0] === '0') {
    const p = body[1];
    if (p === 'x' || p === 'X') [base, digits] = [16, body.slice(2)];
    else if (p === 'o' || p === 'O') [base, digits] = [8, body.slice(2)];
    else if (p === 'b' || p === 'B') [base, digits] = [2, body.slice(2)];
    else [base, digits] = [8, body.slice(1)];
  }
  if (digits === '' || !DIGITS[base]!.test(digits)) return undefined;
  const prefix = base === 16 ? '0x' : base === 8 ? '0o' : base === 2 ? '0b' : '';
  let n = BigInt(prefix + digits);
  if (negative) n = -n;
  if (signed ? n < INT64_MIN || n > INT64_MAX : n > UINT64_MAX) return undefined;
  return n;
}

const YAML_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const DOT_FLOAT = /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/;

/** A plain (unquoted, untagged) scalar as go-yaml v2 resolves it. */
export function resolveGoYamlPlain(source: string): GoYamlScalar {
  const hit = TABLE.get(source);
  if (hit !== undefined) return hit;
  const c = source.charCodeAt(0);
  if (c === 0x2e /* . */) {
    if (DOT_FLOAT.test(source)) {
      const f = Number(source);
      if (Number.isFinite(f)) return { kind: 'float', value: f };
    }
    return { kind: 'str', value: source };
  }
  const digit = c >= 0x30 && c <= 0x39;
  if (!digit && c !== 0x2b && c !== 0x2d) return { kind: 'str', value: source };
  const plain = source.includes('_') ? source.replaceAll('_', '') : source;
  const int = goParseInt(plain, true) ?? goParseInt(plain, false);
  if (int !== undefined) return { kind: 'int', value: Number(int) };
  if (YAML_FLOAT.test(plain)) {
    // strconv.ParseFloat reports an overflow (to +-Inf) as an error: the scalar then stays a string.
    const f = Number(plain);
    if (Number.isFinite(f)) return { kind: 'float', value: f };
  }
  return { kind: 'str', value: source };
}

const TAG = 'tag:yaml.org,2002:';

/**
 * The value of a scalar with an explicit standard tag (`!!int "12"`), or an error message in go-yaml
 * v2's words when the text does not resolve to that kind (an int is accepted as a float).
 */
export function resolveGoYamlTagged(tag: string, source: string): { readonly value: unknown } | { readonly error: string } {
  const short = tag.startsWith(TAG) ? tag.slice(TAG.length) : undefined;
  if (short === undefined || short === 'str') return { value: source };
  if (short === 'binary') {
    const decoded = decodeBase64(source);
    return decoded === undefined ? { error: `!!binary value contains invalid base64 data` } : { value: decoded };
  }
  if (short !== 'int' && short !== 'float' && short !== 'bool' && short !== 'null') return { value: source };
  const r = resolveGoYamlPlain(source);
  if (r.kind === short || (short === 'float' && r.kind === 'int')) return { value: r.value };
  const shown = r.kind === 'merge' ? 'str' : r.kind;
  return { error: `cannot decode !!${shown} \`${source}\` as a !!${short}` };
}

/** Go base64.StdEncoding.DecodeString after go-yaml v2 strips whitespace; bytes read as UTF-8. */
function decodeBase64(text: string): string | undefined {
  const s = text.replace(/[ \t\r\n]/g, '');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) return undefined;
  const bin = atob(s);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new TextDecoder('utf-8').decode(bytes);
}
