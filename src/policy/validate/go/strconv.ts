// Go strconv number and bool parsing as istiod uses it (ports: ParseUint(s, 10, 32); dry-run annotation:
// ParseBool; map keys: Atoi). Exact Go acceptance: no whitespace, no underscores in base 10, no sign
// for unsigned. Never throws.

const UNSIGNED_DIGITS = /^[0-9]+$/;
const SIGNED_DIGITS = /^[+-]?[0-9]+$/;

/** Go `strconv.ParseUint(s, 10, bitSize)`: the value, or an error message in Go's words. */
export function goParseUint(s: string, bitSize: 32 | 64): { value: bigint } | { error: string } {
  const fn = `strconv.ParseUint: parsing ${JSON.stringify(s)}`;
  if (s === '' || !UNSIGNED_DIGITS.test(s)) return { error: `${fn}: invalid syntax` };
  const value = BigInt(s);
  if (value > (1n << BigInt(bitSize)) - 1n) return { error: `${fn}: value out of range` };
  return { value };
}

/** Go `strconv.Atoi` (64-bit int): the value, or an error message in Go's words. */
export function goAtoi(s: string): { value: bigint } | { error: string } {
  const fn = `strconv.Atoi: parsing ${JSON.stringify(s)}`;
  if (!SIGNED_DIGITS.test(s)) return { error: `${fn}: invalid syntax` };
  const value = BigInt(s);
  if (value > (1n << 63n) - 1n || value < -(1n << 63n)) return { error: `${fn}: value out of range` };
  return { value };
}

const TRUE_VALUES = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_VALUES = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Go `strconv.ParseBool`. */
export function goParseBool(s: string): { value: boolean } | { error: string } {
  if (TRUE_VALUES.has(s)) return { value: true };
  if (FALSE_VALUES.has(s)) return { value: false };
  return { error: `strconv.ParseBool: parsing ${JSON.stringify(s)}: invalid syntax` };
}
