// The attributes one proxy sees for one request, in the form compiled matchers read them: the peer's
// mTLS identity (or none), addresses, ports, SNI, HTTP fields after normalization, and the JWT payload
// that RequestAuthentication validated. Built once per evaluation step; never mutated by matchers.
import type { IpAddress } from './ip-matcher.js';
import { peerSegmentBits } from './peer-segments.js';

export interface PeerIdentity {
  /** `spiffe://<td>/ns/<ns>/sa/<sa>`: what Envoy's `authenticated.principal_name` sees. */
  readonly uri: string;
  /** Without `spiffe://`: what ztunnel's principal match and policies' `principals` use. */
  readonly principal: string;
  readonly trustDomain: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** The URI's `/ns/<X>/` segments as rule guards read them (peer-segments.ts). */
  readonly segmentBits: number;
}

export interface RequestAttributes {
  /** The filter chain is HTTP (http or grpc) rather than TCP. */
  readonly http: boolean;
  /** Present only over mTLS. */
  readonly peer: PeerIdentity | undefined;
  readonly sourceIp: IpAddress | undefined;
  readonly remoteIp: IpAddress | undefined;
  readonly destinationIp: IpAddress | undefined;
  readonly port: number | undefined;
  readonly sni: string | undefined;
  readonly method: string | undefined;
  /** Normalized, without query or fragment. */
  readonly path: string | undefined;
  readonly host: string | undefined;
  /** Lower-cased names; repeated headers joined with `,`; includes `:method`, `:path`, `:authority`. */
  readonly headers: ReadonlyMap<string, string>;
  /** The validated JWT payload (claims after space-delimited splitting), or undefined. */
  readonly jwt: Readonly<Record<string, unknown>> | undefined;
}

/** Parses `td/ns/<ns>/sa/<sa>` (optionally prefixed with `spiffe://`) into an identity. */
export function peerFromPrincipal(principal: string): PeerIdentity {
  const bare = principal.startsWith('spiffe://') ? principal.slice('spiffe://'.length) : principal;
  const parts = bare.split('/');
  let namespace = '';
  let serviceAccount = '';
  for (let i = 1; i + 1 < parts.length; i += 2) {
    if (parts[i] === 'ns' && namespace === '') namespace = parts[i + 1] as string;
    else if (parts[i] === 'sa' && serviceAccount === '') serviceAccount = parts[i + 1] as string;
  }
  const uri = `spiffe://${bare}`;
  return { uri, principal: bare, trustDomain: parts[0] ?? '', namespace, serviceAccount, segmentBits: peerSegmentBits(uri) };
}

export function peerFor(trustDomain: string, namespace: string, serviceAccount: string): PeerIdentity {
  const principal = `${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
  const uri = `spiffe://${principal}`;
  return { uri, principal, trustDomain, namespace, serviceAccount, segmentBits: peerSegmentBits(uri) };
}
