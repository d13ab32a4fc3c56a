// The 401/403 answers of the MCP authorization spec (RFC 6750 §3, RFC 9728 §5.1): `WWW-Authenticate:
// Bearer resource_metadata="<PRM URL>"`, plus `error="invalid_token"` and a description when a token was
// sent but refused, or `error="insufficient_scope"` with the scopes needed (403). The body is a small
// JSON-RPC error so MCP clients show the reason.
export interface Challenge {
  readonly status: 401 | 403;
  readonly error?: 'invalid_token' | 'insufficient_scope' | 'invalid_request';
  readonly description?: string;
  readonly scope?: string;
}

function quoted(value: string): string {
  // A quoted-string may not hold `"` or `\` unescaped; keep descriptions to visible ASCII.
  return `"${value.replace(/[^\x20-\x7e]/g, '?').replace(/["\\]/g, "'")}"`;
}

export function challengeResponse(challenge: Challenge, resourceMetadataUrl: string | undefined): Response {
  const parts = [
    ...(resourceMetadataUrl !== undefined ? [`resource_metadata=${quoted(resourceMetadataUrl)}`] : []),
    ...(challenge.error !== undefined ? [`error=${quoted(challenge.error)}`] : []),
    ...(challenge.description !== undefined ? [`error_description=${quoted(challenge.description)}`] : []),
    ...(challenge.scope !== undefined ? [`scope=${quoted(challenge.scope)}`] : []),
  ];
  const message = challenge.description ?? (challenge.status === 401 ? 'authentication required: send a bearer token' : 'forbidden');
  return new Response(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message }, id: null }), {
    status: challenge.status,
    headers: { 'content-type': 'application/json', 'www-authenticate': `Bearer${parts.length > 0 ? ` ${parts.join(', ')}` : ''}` },
  });
}
