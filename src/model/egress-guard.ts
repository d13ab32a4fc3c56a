// The egress guard: resolves the model endpoint's host and applies the egress rule (egress-policy.ts) to
// the addresses found. guarded-dispatcher.ts calls it for every new connection and dials exactly the
// addresses it approved, so a name that re-resolves elsewhere (DNS rebinding) is checked again and a
// literal address is checked as what it is. `gic doctor` calls it to report the verdict without sending
// anything. The resolver is injectable (tests use a DNS server on loopback).
import { lookup as dnsLookup } from 'node:dns/promises';

import { egressVerdict, normalizeHost, parseAllowEntry, type EgressRules, type EgressVerdict } from './egress-policy.js';
import { parseIpLiteral } from './ip-address.js';
import { ModelError } from './model-error.js';

/** Resolves a host name to its addresses (texts), like dns.lookup with `all: true`. */
export type ResolveHost = (host: string) => Promise<readonly string[]>;

export interface EgressGuardOptions extends Partial<EgressRules> {
  /** Default: the system resolver (getaddrinfo through dns.lookup, every address, resolver order). */
  readonly resolve?: ResolveHost;
}

export const systemResolve: ResolveHost = async (host) => (await dnsLookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

export class EgressGuard {
  readonly rules: EgressRules;
  private readonly resolve: ResolveHost;

  constructor(options: EgressGuardOptions = {}) {
    this.rules = { allowHosts: [...(options.allowHosts ?? [])], clusterDomain: options.clusterDomain ?? 'cluster.local' };
    for (const entry of this.rules.allowHosts) {
      try {
        parseAllowEntry(entry);
      } catch (error) {
        throw new ModelError('model-not-configured', error instanceof Error ? error.message : String(error));
      }
    }
    this.resolve = options.resolve ?? systemResolve;
  }

  /**
   * Resolves `host` (a literal address is not resolved: it is the address) and returns the verdict. A name
   * that does not resolve is refused, with the resolver's reason.
   */
  async check(host: string): Promise<EgressVerdict> {
    const name = normalizeHost(host);
    if (parseIpLiteral(name) !== undefined) return egressVerdict(name, [name], this.rules);
    let addresses: readonly string[];
    try {
      addresses = await this.resolve(name);
    } catch (error) {
      const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
      const detail = code ?? (error instanceof Error ? error.message : String(error));
      return { allowed: false, host: name, addresses: [], reason: `${name} does not resolve (${detail})` };
    }
    return egressVerdict(name, addresses, this.rules);
  }

  /** check(), throwing `model-egress-refused` when refused; returns the verdict to dial its addresses. */
  async assertAllowed(host: string): Promise<EgressVerdict> {
    const verdict = await this.check(host);
    if (!verdict.allowed) {
      throw new ModelError('model-egress-refused', `egress refused: ${verdict.reason}`, {
        details: { host: verdict.host, addresses: verdict.addresses.map((a) => a.address) },
      });
    }
    return verdict;
  }
}
