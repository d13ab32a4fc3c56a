// CUSTOM (ext_authz), the first filter of an Envoy proxy, before authentication (istio-authz.md §2):
// a matching CUSTOM rule calls the proxy's one ext-authz provider, which decides (CONDITIONAL, unless a
// later stage denies). When istiod cannot use the provider setup (several providers, a provider that
// is not an ext-authz extensionProvider of MeshConfig, an invalid one), every non-dry-run CUSTOM rule
// becomes a DENY rule (builder/extauthz.go, `-deny-due-to-bad-CUSTOM-action`); an HTTP provider is
// ignored on a TCP filter chain. Built once per chain: `customSetup`, `customEntries`; per request, the
// hot form `firstCustom` finds the first matching rule and the traced form `traceCustom` describes it.
import type { CompiledMesh } from '../compile-mesh.js';
import type { DecisionReason } from '../decision.js';
import { FALSE } from '../predicate.js';
import type { CustomSetup, EnvoyChain, EnvoyPolicies } from '../proxy-policies.js';
import type { RequestAttributes } from '../request-attributes.js';
import type { RuleEntries } from '../rule-entries.js';
import { firstGuardedMatch, requestSegments, requestWord, valueAt } from '../rule-guard.js';
import { noteRules, ruleSetFor } from './policy-rules.js';
import type { StageResult } from './stage-result.js';

const NO_CUSTOM: CustomSetup = { kind: 'none', bad: undefined, provider: undefined };

/** What CUSTOM does at the proxy `proxy` (`<sidecar|gateway|waypoint> <namespace>/<name>`) on one filter chain. */
export function customSetup(compiled: CompiledMesh, policies: EnvoyPolicies, http: boolean, proxy: string): CustomSetup {
  if (policies.custom.length === 0) return NO_CUSTOM;
  const providers = policies.customProviders;
  const info = providers.length === 1 ? compiled.providers.get(providers[0] as string) : undefined;
  let bad: string | undefined;
  if (providers.length > 1) bad = `more than one CUSTOM provider on ${proxy} (${providers.join(', ')}) without PILOT_ENABLE_MULTIPLE_CUSTOM_AUTHZ_PROVIDERS: every CUSTOM rule becomes a DENY rule`;
  else if (info === undefined) bad = `provider ${JSON.stringify(providers[0])} is not an envoyExtAuthzHttp/envoyExtAuthzGrpc extensionProvider of MeshConfig: its CUSTOM rules become DENY rules`;
  else if (info.error !== undefined) bad = `provider ${JSON.stringify(info.name)} is invalid (${info.error}): its CUSTOM rules become DENY rules`;
  if (bad !== undefined || info === undefined) return { kind: 'deny', bad, provider: undefined };
  return { kind: !http && info.kind === 'http' ? 'ignored' : 'provider', bad: undefined, provider: info };
}

/** Lists the CUSTOM rules that can match on the list's port, in evaluation order, with the reason each gives as first match. */
export function customEntries(list: RuleEntries, policies: EnvoyPolicies, setup: CustomSetup, http: boolean): void {
  if (setup.kind !== 'deny' && setup.kind !== 'provider') return;
  for (const c of policies.custom) {
    // Dry-run CUSTOM policies are skipped only where their rules would deny.
    if (setup.kind === 'deny' && c.dryRun) continue;
    for (const r of ruleSetFor(c, http).rules) {
      const match = list.onPort(r);
      if (match === FALSE) continue;
      const i = r.index;
      const reason: DecisionReason =
        setup.kind === 'deny'
          ? { policy: c.ref, action: 'CUSTOM', rule: i, message: `rule ${i} of ${c.ref} matches and ${setup.bad ?? ''} (${c.ref}-deny-due-to-bad-CUSTOM-action)` }
          : { policy: c.ref, action: 'CUSTOM', rule: i, message: `rule ${i} of ${c.ref} matches: the ${setup.provider?.kind === 'http' ? 'HTTP' : 'gRPC'} ext-authz provider ${setup.provider?.name ?? ''} decides` };
      list.add(r, match, reason, c);
    }
  }
}

/** Hot: the number in `chain.rules` of the first matching CUSTOM rule, or -1. */
export function firstCustom(chain: EnvoyChain, a: RequestAttributes): number {
  if (chain.denyStart === 0) return -1;
  return firstGuardedMatch(chain.rules, 0, chain.denyStart, requestWord(a), requestSegments(a), a);
}

/** CUSTOM rule `i` matched on a proxy whose provider setup is unusable (`custom.kind` `deny`): denied (403). */
export function customDenied(chain: EnvoyChain, i: number): StageResult {
  return { decision: 'DENY', reasons: [valueAt(chain.rules, i)] };
}

/** Traced: the CUSTOM stage whose hot outcome is `i` (firstCustom). */
export function traceCustom(trace: string[], chain: EnvoyChain, i: number): void {
  const { custom, http } = chain;
  const policies = chain.policies.custom;
  const owner = i >= 0 ? chain.owners[i] : undefined;
  const rule = i >= 0 ? valueAt(chain.rules, i).rule : undefined;
  switch (custom.kind) {
    case 'none':
      trace.push('CUSTOM: no CUSTOM policy applies');
      return;
    case 'ignored':
      trace.push(`CUSTOM: provider ${custom.provider?.name ?? ''} is an HTTP ext-authz provider: ignored on this TCP filter chain`);
      return;
    case 'deny':
      trace.push(`CUSTOM: ${custom.bad ?? ''}`);
      for (const c of policies) {
        if (c.dryRun) continue;
        noteRules(trace, c, http);
        if (c === owner) {
          trace.push(`CUSTOM: ${c.ref}-deny-due-to-bad-CUSTOM-action rule ${rule} matches: DENY (403)`);
          return;
        }
      }
      trace.push('CUSTOM: no bad-CUSTOM deny rule matches');
      return;
    case 'provider': {
      const name = custom.provider?.name ?? '';
      for (const c of policies) {
        noteRules(trace, c, http);
        if (c === owner) {
          trace.push(`CUSTOM: ${c.ref} rule ${rule} matches: provider ${name} is called and decides (if it allows, evaluation continues)`);
          return;
        }
      }
      trace.push(`CUSTOM: no rule of ${policies.map((c) => c.ref).join(', ')} matches: provider ${name} is not called`);
    }
  }
}
