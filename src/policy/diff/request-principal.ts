// A `requestPrincipals` value (`iss/sub`, with `*` at either end) as the issuer and subject claim
// patterns Envoy tests (istio generator.go `requestPrincipalGenerator`). Pure.

/** `requestPrincipals` value -> iss and sub patterns in claim syntax. */
export function requestPrincipalParts(value: string): { iss: string; sub: string } {
  const idx = value.lastIndexOf('/');
  const found = idx >= 0;
  const iss = found ? value.slice(0, idx) : value;
  const sub = found ? value.slice(idx + 1) : '';
  if (value === '*') return { iss: '*', sub: '*' };
  if (value.startsWith('*')) return found ? { iss, sub } : { iss: '*', sub: value };
  if (value.endsWith('*')) return found ? { iss, sub } : { iss: value, sub: '*' };
  return { iss, sub };
}
