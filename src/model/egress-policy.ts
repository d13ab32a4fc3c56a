// The egress rule (docs/architecture.md "Safety rails", issue 12 §2) as a pure function: may gic connect
// to `host`, given the addresses it resolved to? Yes when the allow-list names the host (exact name,
// `*.suffix`, an address or a CIDR), when the host is a cluster-internal Service name (`*.svc`,
// `*.svc.<cluster domain>`), or when EVERY address is loopback, private (RFC 1918, fc00::/7) or
// link-local (or lies in an allow-listed address or CIDR). Anything else, and a name with no address, is
// refused. Addresses are classified as what they are (ip-address.ts), whatever their spelling.
import { classifyIp, INSIDE_KINDS, inNetwork, parseIpLiteral, type ClassifiedAddress, type IpAddress } from './ip-address.js';

export interface EgressRules {
  /** `--model-allow-host`, GIC_MODEL_ALLOW_HOSTS: host names, `*.domain` wildcards, addresses or CIDRs. */
  readonly allowHosts: readonly string[];
  /** The cluster's DNS domain, for `*.svc.<domain>` (default cluster.local). */
  readonly clusterDomain: string;
}

export type EgressBasis = 'allow-list' | 'cluster-internal' | 'addresses';

export interface EgressVerdict {
  readonly allowed: boolean;
  /** Normalised host (lower case, no trailing dot or brackets; a literal address in canonical form). */
  readonly host: string;
  /** The resolved addresses as classified (canonical text). */
  readonly addresses: readonly ClassifiedAddress[];
  /** Why it is allowed; undefined when refused. */
  readonly basis?: EgressBasis;
  /** One line a person can act on. */
  readonly reason: string;
}

type AllowEntry = { readonly kind: 'name'; readonly name: string } | { readonly kind: 'suffix'; readonly suffix: string } | { readonly kind: 'network'; readonly network: IpAddress; readonly prefix: number };

/** Lower case, no brackets, no trailing dot; a literal address in canonical form. */
export function normalizeHost(host: string): string {
  let name = host.trim().toLowerCase();
  if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1);
  while (name.endsWith('.')) name = name.slice(0, -1);
  const ip = parseIpLiteral(name);
  return ip === undefined ? name : classifyIp(ip).address;
}

/** Parses one allow-list entry; throws a TypeError naming the entry when it is malformed. */
export function parseAllowEntry(entry: string): AllowEntry {
  const text = entry.trim().toLowerCase();
  const slash = text.indexOf('/');
  if (slash >= 0) {
    const network = parseIpLiteral(text.slice(0, slash));
    const prefixText = text.slice(slash + 1);
    const prefix = Number(prefixText);
    if (network === undefined || !/^\d{1,3}$/.test(prefixText) || prefix > (network.family === 4 ? 32 : 128)) {
      throw new TypeError(`egress allow-list entry "${entry}" is not a valid CIDR`);
    }
    return { kind: 'network', network, prefix };
  }
  const ip = parseIpLiteral(text);
  if (ip !== undefined) return { kind: 'network', network: ip, prefix: ip.family === 4 ? 32 : 128 };
  if (text.startsWith('*.')) {
    const suffix = normalizeHost(text.slice(2));
    if (suffix === '' || !isHostName(suffix)) throw new TypeError(`egress allow-list entry "${entry}" is not a valid wildcard (use *.example.com)`);
    return { kind: 'suffix', suffix };
  }
  const name = normalizeHost(text);
  if (!isHostName(name)) throw new TypeError(`egress allow-list entry "${entry}" is not a host name, address or CIDR`);
  return { kind: 'name', name };
}

function isHostName(name: string): boolean {
  return name.length <= 253 && name.split('.').every((label) => /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/.test(label));
}

/** True for `<name>.svc` and `<name>.svc.<cluster domain>` (at least one label before `svc`). */
export function isClusterInternalName(host: string, clusterDomain: string): boolean {
  const name = normalizeHost(host);
  const domain = normalizeHost(clusterDomain);
  return (name.endsWith('.svc') && name.length > 4) || (domain !== '' && name.endsWith(`.svc.${domain}`) && name.length > `.svc.${domain}`.length);
}

/** The verdict for `host` resolved to `addresses` (literal texts as returned by the resolver). */
export function egressVerdict(host: string, addresses: readonly string[], rules: EgressRules): EgressVerdict {
  const name = normalizeHost(host);
  const entries = rules.allowHosts.map(parseAllowEntry);
  const classified: ClassifiedAddress[] = [];
  const parsed: IpAddress[] = [];
  for (const text of addresses) {
    const ip = parseIpLiteral(text);
    if (ip === undefined) return { allowed: false, host: name, addresses: classified, reason: `the resolver returned "${text}", which is not an address` };
    parsed.push(ip);
    classified.push(classifyIp(ip));
  }
  const named = entries.some((entry) => (entry.kind === 'name' && entry.name === name) || (entry.kind === 'suffix' && name.endsWith(`.${entry.suffix}`)));
  if (named) return { allowed: true, host: name, addresses: classified, basis: 'allow-list', reason: `${name} is on the egress allow-list` };
  if (isClusterInternalName(name, rules.clusterDomain)) {
    return { allowed: true, host: name, addresses: classified, basis: 'cluster-internal', reason: `${name} is a cluster-internal Service name` };
  }
  if (classified.length === 0) return { allowed: false, host: name, addresses: classified, reason: `${name} resolved to no address` };
  const outside = classified.filter((address, index) => {
    const ip = parsed[index] as IpAddress;
    return !INSIDE_KINDS.has(address.kind) && !entries.some((entry) => entry.kind === 'network' && inNetwork(ip, entry.network, entry.prefix));
  });
  if (outside.length > 0) {
    const listed = outside.map((a) => `${a.address} (${a.kind}${a.mappedIpv4 === undefined ? '' : `, IPv4-mapped ${a.mappedIpv4}`})`).join(', ');
    const subject = parseIpLiteral(name) === undefined ? `${name} resolves to ${listed}` : `the address ${listed} is`;
    return {
      allowed: false,
      host: name,
      addresses: classified,
      reason: `${subject} outside the cluster: code metadata must not leave it (allow it explicitly with --model-allow-host or GIC_MODEL_ALLOW_HOSTS)`,
    };
  }
  const kinds = [...new Set(classified.map((a) => a.kind))].join(', ');
  return { allowed: true, host: name, addresses: classified, basis: 'addresses', reason: `every address of ${name} is inside (${kinds})` };
}
