// Builds witness requests (the `gic check` request shape) that satisfy one AuthorizationPolicy rule:
// a concrete value for every positive field (`x*` -> `xx`, `*x` -> `xx`, `{*}` -> `x`), a value
// outside every negative list, an identity that fits the source fields (or a plaintext caller when
// asked), a token whose issuer the workload's RequestAuthentication accepts. Analyzers pick the rule and
// the twist (plaintext caller, TCP connection, other port); tests check each witness with evaluateRequest.
import type { AccessRequest, JwtClaims, Protocol } from '../evaluate/access-request.js';
import type { Rule } from '../resources/authorization-policy.js';
import type { Workload } from '../resources/mesh.js';
import { valueMatches } from './rule-facts.js';

export interface WitnessOptions {
  readonly target: Workload;
  readonly trustDomain: string;
  /** Issuers the workload's RequestAuthentications accept (first is used for tokens). */
  readonly issuers: readonly string[];
  readonly port?: number;
  readonly protocol?: Protocol;
  /** A caller without mTLS (identity fields are then left unsatisfied). */
  readonly plaintext?: boolean;
  /** Fields (by name or when key) to leave unsatisfied, e.g. HTTP-only fields for a TCP witness. */
  readonly ignore?: (field: string) => boolean;
  readonly fromEntry?: number;
  readonly toEntry?: number;
  /** Replaces the path the rule would give. */
  readonly path?: string;
  readonly host?: string;
}

const WITNESS_NS = 'gic-witness';

/** A concrete value an Istio pattern matches. */
export function concretize(pattern: string, filler = 'x'): string {
  if (pattern === '*') return filler;
  if (pattern.startsWith('*')) return filler + pattern.slice(1);
  if (pattern.endsWith('*')) return pattern.slice(0, -1) + filler;
  return pattern;
}

function concretePath(pattern: string): string {
  if (pattern.includes('{*}') || pattern.includes('{**}')) return pattern.replaceAll('{**}', 'x').replaceAll('{*}', 'x');
  if (pattern === '*') return '/x';
  return concretize(pattern, pattern.startsWith('*') ? '/x' : 'x');
}

function firstNotMatching(candidates: readonly string[], excluded: readonly string[], ignoreCase = false): string | undefined {
  return candidates.find((c) => !excluded.some((e) => valueMatches(e, c, ignoreCase)));
}

function setClaim(claims: Record<string, unknown>, path: readonly string[], value: string): void {
  let node = claims;
  path.forEach((segment, i) => {
    if (i === path.length - 1) node[segment] = [value];
    else {
      const next = node[segment];
      if (next === null || typeof next !== 'object' || Array.isArray(next)) node[segment] = {};
      node = node[segment] as Record<string, unknown>;
    }
  });
}

function bracketed(key: string, prefix: string): string[] {
  return [...key.slice(prefix.length).matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] ?? '');
}

/** A request that satisfies the rule (first from/to entries unless told otherwise), at the target. */
export function requestMatching(rule: Rule, o: WitnessOptions): AccessRequest {
  const skip = o.ignore ?? (() => false);
  const source = rule.from?.[o.fromEntry ?? 0]?.source ?? {};
  const operation = rule.to?.[o.toEntry ?? 0]?.operation ?? {};
  const td = o.trustDomain;
  const ns = o.target.namespace;
  let principal: string | undefined;
  let plaintext = o.plaintext === true;
  let sourceIp: string | undefined;
  let remoteIp: string | undefined;
  let destinationIp: string | undefined;
  let sni: string | undefined;
  let port = o.port;
  const headers: Record<string, string> = {};
  let jwt: Record<string, unknown> | undefined;
  const claims: Record<string, unknown> = {};
  const issuer = o.issuers[0] ?? 'https://issuer.example.com';
  const useJwt = (): Record<string, unknown> => (jwt ??= { iss: issuer, sub: 'gic-witness' });

  const has = (field: string, values: readonly string[] | undefined): values is readonly string[] => values !== undefined && values.length > 0 && !skip(field);
  if (has('principals', source.principals)) principal = concretize(source.principals[0]!, `${td}/ns/${ns}/sa/default`);
  else if (has('serviceAccounts', source.serviceAccounts)) {
    const sa = source.serviceAccounts[0]!;
    principal = sa.includes('/') ? `${td}/ns/${sa.split('/')[0]}/sa/${sa.split('/')[1]}` : `${td}/ns/${ns}/sa/${sa}`;
  } else if (has('namespaces', source.namespaces)) principal = `${td}/ns/${concretize(source.namespaces[0]!, source.namespaces[0] === '*' ? ns : 'x')}/sa/default`;
  else if (has('trustDomains', source.trustDomains)) principal = `${concretize(source.trustDomains[0]!, 'x')}/ns/${WITNESS_NS}/sa/${WITNESS_NS}`;
  if (principal === undefined && !plaintext) {
    const excluded = [...(source.notPrincipals ?? []).filter(() => !skip('notPrincipals'))];
    const excludedNs = skip('notNamespaces') ? [] : (source.notNamespaces ?? []);
    const candidate = firstNotMatching([`${td}/ns/${WITNESS_NS}/sa/${WITNESS_NS}`, `${td}/ns/${ns}/sa/gic-witness`], excluded);
    if (candidate === undefined || excludedNs.some((e) => valueMatches(e, WITNESS_NS))) plaintext = excluded.length > 0 || excludedNs.length > 0;
    else principal = candidate;
  }
  if (has('ipBlocks', source.ipBlocks)) sourceIp = source.ipBlocks[0]!.split('/')[0];
  if (has('remoteIpBlocks', source.remoteIpBlocks)) remoteIp = source.remoteIpBlocks[0]!.split('/')[0];
  if (has('requestPrincipals', source.requestPrincipals)) {
    const rp = source.requestPrincipals[0]!;
    const token = useJwt();
    const slash = rp.lastIndexOf('/');
    if (rp === '*') Object.assign(token, { iss: issuer, sub: 'gic-witness' });
    else if (slash < 0) Object.assign(token, rp.endsWith('*') ? { iss: rp.slice(0, -1) } : { sub: concretize(rp) });
    else {
      const iss = rp.slice(0, slash);
      const sub = rp.slice(slash + 1);
      const knownIss = o.issuers.find((i) => valueMatches(iss, i));
      Object.assign(token, { iss: knownIss ?? concretize(iss), sub: concretize(sub, 'gic-witness') });
    }
  }

  let method: string | undefined;
  let path: string | undefined;
  let host: string | undefined;
  if (has('methods', operation.methods)) method = concretize(operation.methods[0]!, 'GET');
  else if (has('notMethods', operation.notMethods)) method = firstNotMatching(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'], operation.notMethods);
  if (has('paths', operation.paths)) path = concretePath(operation.paths[0]!);
  else if (has('notPaths', operation.notPaths)) path = firstNotMatching(['/', '/gic-witness', '/gic/witness/x'], operation.notPaths);
  if (has('hosts', operation.hosts)) host = concretize(operation.hosts[0]!, 'x');
  if (has('ports', operation.ports)) port = o.port !== undefined && operation.ports.includes(String(o.port)) ? o.port : Number(operation.ports[0]);
  else if (has('notPorts', operation.notPorts)) {
    const excluded = new Set(operation.notPorts.map(Number));
    port = [o.port, ...o.target.containerPorts.map((p) => p.port), 8080, 9080, 15999].find((p) => p !== undefined && !excluded.has(p));
  }

  for (const c of rule.when ?? []) {
    if (skip(c.key) || c.values === undefined || c.values.length === 0) continue;
    const v = c.values[0]!;
    if (c.key.startsWith('request.headers')) headers[bracketed(c.key, 'request.headers')[0] ?? 'x'] = concretize(v, 'x');
    else if (c.key.startsWith('request.auth.claims')) setClaim(claims, bracketed(c.key, 'request.auth.claims'), concretize(v, 'x'));
    else if (c.key === 'request.auth.principal') {
      const slash = v.lastIndexOf('/');
      Object.assign(useJwt(), slash < 0 ? {} : { iss: v.slice(0, slash) === '*' ? issuer : concretize(v.slice(0, slash)), sub: concretize(v.slice(slash + 1), 'gic-witness') });
    } else if (c.key === 'request.auth.audiences') useJwt()['aud'] = concretize(v, 'x');
    else if (c.key === 'request.auth.presenter') useJwt()['azp'] = concretize(v, 'x');
    else if (c.key === 'source.ip') sourceIp = v.split('/')[0];
    else if (c.key === 'remote.ip') remoteIp = v.split('/')[0];
    else if (c.key === 'destination.ip') destinationIp = v.split('/')[0];
    else if (c.key === 'destination.port') port = Number(v);
    else if (c.key === 'connection.sni') sni = concretize(v, 'x');
    else if (c.key === 'source.namespace' && !plaintext) principal = `${td}/ns/${concretize(v, ns)}/sa/default`;
    else if (c.key === 'source.principal' && !plaintext) principal = concretize(v, `${td}/ns/${ns}/sa/default`);
    else if (c.key === 'source.serviceAccount' && !plaintext) principal = v.includes('/') ? `${td}/ns/${v.split('/')[0]}/sa/${v.split('/')[1]}` : `${td}/ns/${ns}/sa/${v}`;
  }
  if (Object.keys(claims).length > 0) useJwt()['claims'] = claims;

  port ??= o.target.containerPorts[0]?.port;
  const protocol = o.protocol;
  const tcp = protocol === 'tcp';
  if (!tcp && method === undefined && (path !== undefined || host !== undefined || Object.keys(headers).length > 0 || jwt !== undefined)) method = 'GET';
  if (!tcp && path === undefined && method !== undefined) path = '/';
  if (o.path !== undefined && !tcp) path = o.path;
  if (o.host !== undefined && !tcp) host = o.host;
  if (!tcp && method === undefined && protocol === undefined) {
    method = 'GET';
    path = '/';
  }
  return {
    to: { namespace: ns, workload: o.target.name, ...(port === undefined || Number.isNaN(port) ? {} : { port }), ...(protocol === undefined ? {} : { protocol }) },
    from: plaintext || principal === undefined ? { plaintext: true, ...(sourceIp === undefined ? {} : { ip: sourceIp }) } : { principal, ...(sourceIp === undefined ? {} : { ip: sourceIp }) },
    ...(tcp || method === undefined ? {} : { method }),
    ...(tcp || path === undefined ? {} : { path }),
    ...(tcp || host === undefined ? {} : { host }),
    ...(tcp || Object.keys(headers).length === 0 ? {} : { headers }),
    ...(tcp || jwt === undefined ? {} : { jwt: jwt as JwtClaims }),
    ...(remoteIp === undefined ? {} : { remoteIp }),
    ...(destinationIp === undefined ? {} : { destinationIp }),
    ...(sni === undefined ? {} : { sni }),
  };
}

/** Issuers the RequestAuthentications of a workload accept. */
export function issuersOf(ras: readonly { readonly spec: { readonly jwtRules?: readonly { readonly issuer?: string | undefined }[] | undefined } }[]): string[] {
  const out: string[] = [];
  for (const ra of ras) for (const r of ra.spec.jwtRules ?? []) if (r.issuer !== undefined && r.issuer !== '' && !out.includes(r.issuer)) out.push(r.issuer);
  return out;
}
