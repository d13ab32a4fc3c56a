// One AuthorizationPolicy rule as the diff reads it: its sources (ORed), its operations (ORed) and its
// conditions (ANDed), each a list of terms in match-field names (`principals`, `paths`, `ports`,
// `request.auth.claims[groups]`, ...). A term is positive (`principals`, `values`: one of its values
// must match) or negative (`notPrincipals`, `notValues`: none may match); each value names the atoms
// it tests: one field and its patterns after trust-domain alias expansion and service-account
// qualification, or two for a request principal (issuer and subject). collect-atoms.ts turns every
// atom into a dimension's atom; rule-hull.ts bounds the requests a rule can match. Pure.
import type { Rule } from '../resources/authorization-policy.js';
import type { TrustDomainBundle } from '../evaluate/trust-domain.js';
import { requestPrincipalParts } from './request-principal.js';
import { claimField, claimPath } from './match-fields.js';

export interface FieldAtom {
  readonly field: string;
  readonly patterns: readonly string[];
}

export interface Term {
  readonly negative: boolean;
  /** One entry per value: the atoms that value tests, all of which must hold. */
  readonly values: readonly (readonly FieldAtom[])[];
}

export interface RuleFields {
  readonly sources: readonly (readonly Term[])[];
  readonly operations: readonly (readonly Term[])[];
  readonly conditions: readonly Term[];
}

/** How values are read: Envoy expands trust-domain aliases; ztunnel also matches the literal value. */
export interface FieldReading {
  readonly bundle: TrustDomainBundle;
  readonly policyNamespace: string;
  /** Also give the literal (unexpanded) principal and trust-domain atoms (ztunnel reads them). */
  readonly literalTrustDomains: boolean;
}

type Expand = (v: string) => readonly FieldAtom[][];

function term(values: readonly string[] | undefined, negative: boolean, expand: Expand): Term | undefined {
  if (values === undefined || values.length === 0) return undefined;
  return { negative, values: values.flatMap(expand) };
}

function readers(r: FieldReading): Record<string, Expand> {
  const plain =
    (field: string): Expand =>
    (v) => [[{ field, patterns: [v] }]];
  const withLiteral =
    (field: string, expanded: (v: string) => readonly string[]): Expand =>
    (v) => {
      const out: FieldAtom[][] = [[{ field, patterns: expanded(v) }]];
      if (r.literalTrustDomains) out.push([{ field, patterns: [v] }]);
      return out;
    };
  const requestPrincipal: Expand = (v) => {
    const { iss, sub } = requestPrincipalParts(v);
    return [[{ field: claimField(['iss']), patterns: [iss] }, { field: claimField(['sub']), patterns: [sub] }]];
  };
  return {
    principals: withLiteral('principals', (v) => r.bundle.replaceAliases([v])),
    namespaces: plain('namespaces'),
    serviceAccounts: (v) => [[{ field: 'serviceAccounts', patterns: [v.includes('/') ? v : `${r.policyNamespace}/${v}`] }]],
    trustDomains: withLiteral('trustDomains', (v) => r.bundle.expand([v])),
    ipBlocks: plain('ipBlocks'),
    remoteIpBlocks: plain('remoteIpBlocks'),
    requestPrincipals: requestPrincipal,
    hosts: plain('hosts'),
    methods: plain('methods'),
    paths: plain('paths'),
    ports: plain('ports'),
  };
}

/** The reader of a `when` key: the field its values are written in, or undefined for a key no dimension reads. */
function conditionReader(key: string, read: Record<string, Expand>): Expand | undefined {
  switch (key) {
    case 'source.ip':
      return read['ipBlocks'];
    case 'remote.ip':
      return read['remoteIpBlocks'];
    case 'destination.port':
      return read['ports'];
    case 'source.namespace':
      return read['namespaces'];
    case 'source.principal':
      return read['principals'];
    case 'source.serviceAccount':
      return read['serviceAccounts'];
    case 'source.trustDomain':
      return read['trustDomains'];
    case 'request.auth.principal':
      return read['requestPrincipals'];
    case 'destination.ip':
    case 'connection.sni':
    case 'request.auth.audiences':
    case 'request.auth.presenter':
      return (v) => [[{ field: key, patterns: [v] }]];
    default:
      if ((key.startsWith('request.auth.claims') && claimPath(key) !== undefined) || key.startsWith('request.headers[')) return (v) => [[{ field: key, patterns: [v] }]];
      return undefined;
  }
}

const SOURCE_FIELDS = ['principals', 'namespaces', 'serviceAccounts', 'trustDomains', 'ipBlocks', 'remoteIpBlocks', 'requestPrincipals'] as const;
const OPERATION_FIELDS = ['hosts', 'methods', 'paths', 'ports'] as const;

function negated(field: string): string {
  return `not${field[0]?.toUpperCase() ?? ''}${field.slice(1)}`;
}

const NO_TERMS: RuleFields = { sources: [], operations: [], conditions: [] };
/** Per rule object and reading (bundle, namespace, literal): its terms, read once. */
const readCache = new WeakMap<Rule, Map<string, RuleFields>>();
const bundleIds = new WeakMap<TrustDomainBundle, number>();
let nextBundle = 0;

/** The terms of one rule (an absent or empty rule has no terms: it matches every request). */
export function ruleFields(rule: Rule | null | undefined, reading: FieldReading): RuleFields {
  if (rule === null || rule === undefined) return NO_TERMS;
  let bundle = bundleIds.get(reading.bundle);
  if (bundle === undefined) bundleIds.set(reading.bundle, (bundle = nextBundle++));
  const key = `${bundle}|${reading.literalTrustDomains ? 1 : 0}|${reading.policyNamespace}`;
  let byReading = readCache.get(rule);
  if (byReading === undefined) readCache.set(rule, (byReading = new Map()));
  let out = byReading.get(key);
  if (out === undefined) byReading.set(key, (out = readRule(rule, reading)));
  return out;
}

function readRule(rule: Rule, reading: FieldReading): RuleFields {
  const read = readers(reading);
  const termsOf = (obj: Record<string, unknown>, fields: readonly string[]): Term[] => {
    const out: Term[] = [];
    for (const f of fields) {
      const expand = read[f] as Expand;
      const pos = term(obj[f] as string[] | undefined, false, expand);
      const neg = term(obj[negated(f)] as string[] | undefined, true, expand);
      if (pos !== undefined) out.push(pos);
      if (neg !== undefined) out.push(neg);
    }
    return out;
  };
  const sources = (rule.from ?? []).flatMap((f) => (f?.source === undefined || f.source === null ? [] : [termsOf(f.source as Record<string, unknown>, SOURCE_FIELDS)]));
  const operations = (rule.to ?? []).flatMap((t) => (t?.operation === undefined || t.operation === null ? [] : [termsOf(t.operation as Record<string, unknown>, OPERATION_FIELDS)]));
  const conditions: Term[] = [];
  for (const c of rule.when ?? []) {
    if (c === null || c === undefined) continue;
    const expand = conditionReader(c.key, read);
    if (expand === undefined) continue;
    const pos = term(c.values, false, expand);
    const neg = term(c.notValues, true, expand);
    if (pos !== undefined) conditions.push(pos);
    if (neg !== undefined) conditions.push(neg);
  }
  return { sources, operations, conditions };
}
