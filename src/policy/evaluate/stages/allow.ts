// ALLOW, the last stage of an Envoy proxy: when enforced ALLOW policies apply, the first matching rule
// allows and a request that none matches is denied (default deny: 403 on HTTP, the connection closed on
// TCP); without any, a request that nothing denied is allowed. Dry-run ALLOW policies are evaluated for
// the trace only. A CUSTOM provider that was called still decides (CONDITIONAL). Built once per chain:
// `allowEntries`, `defaultDenyReasons`; per request, the hot form `firstAllow` finds the first matching
// rule, `allowed` makes the decision, and the traced form `traceAllow` describes that outcome.
import type { DecisionReason } from '../decision.js';
import { REASON, reasonFor } from '../decision-reasons.js';
import { firstMatch } from '../envoy-rules.js';
import { FALSE } from '../predicate.js';
import type { EnvoyChain, EnvoyPolicies } from '../proxy-policies.js';
import type { RequestAttributes } from '../request-attributes.js';
import type { RuleEntries } from '../rule-entries.js';
import { firstGuardedMatch, ruleCount, valueAt } from '../rule-guard.js';
import { noteRules, ruleSetFor } from './policy-rules.js';
import type { StageResult } from './stage-result.js';

/** Lists the enforced ALLOW rules that can match on the list's port, in evaluation order (policy order, then rule order). */
export function allowEntries(list: RuleEntries, policies: EnvoyPolicies, http: boolean): void {
  for (const c of policies.allowEnforced) {
    for (const r of ruleSetFor(c, http).rules) {
      const match = list.onPort(r);
      if (match !== FALSE) list.add(r, match, reasonFor(c, REASON.ALLOW, r.index), c);
    }
  }
}

/** The reasons of a default deny on this filter chain, in `allowEnforced` order. */
export function defaultDenyReasons(policies: EnvoyPolicies, http: boolean): DecisionReason[] {
  return policies.allowEnforced.map((c) => reasonFor(c, http ? REASON.DEFAULT_DENY_HTTP : REASON.DEFAULT_DENY_TCP, -1));
}

/** Hot: the number in `chain.rules` of the first matching ALLOW rule, or -1 (none, or no ALLOW layer). */
export function firstAllow(chain: EnvoyChain, a: RequestAttributes, w0: number, w1: number): number {
  if (!chain.hasAllowLayer) return -1;
  return firstGuardedMatch(chain.rules, chain.allowStart, ruleCount(chain.rules), w0, w1, a);
}

/**
 * The decision after ALLOW rule `i` (-1: none matched) when nothing denied: `custom`, the reason of the
 * CUSTOM rule that called `provider`, if one did.
 */
export function allowed(chain: EnvoyChain, i: number, provider: string | undefined, custom: DecisionReason | undefined): StageResult {
  let reasons: DecisionReason[];
  if (i >= 0) {
    const allowedBy = valueAt(chain.rules, i);
    reasons = custom === undefined ? [allowedBy] : [custom, allowedBy];
  } else if (chain.hasAllowLayer) {
    return { decision: 'DENY', reasons: chain.defaultDeny.slice() };
  } else {
    reasons = custom === undefined ? [] : [custom];
  }
  return provider !== undefined ? { decision: 'CONDITIONAL', provider, reasons } : { decision: 'ALLOW', reasons };
}

/** Traced: the ALLOW stage whose hot outcome is `i` (firstAllow). */
export function traceAllow(trace: string[], chain: EnvoyChain, a: RequestAttributes, i: number): void {
  const http = chain.http;
  const { allow, allowEnforced } = chain.policies;
  for (const c of allow) {
    if (!c.dryRun) continue;
    const d = firstMatch(ruleSetFor(c, http), a);
    trace.push(d >= 0 ? `ALLOW (dry-run): ${c.ref} rule ${d} matches: would allow, not enforced` : `ALLOW (dry-run): ${c.ref} does not match: would deny, not enforced`);
  }
  if (allowEnforced.length === 0) {
    trace.push(allow.length > 0 ? 'ALLOW: only dry-run ALLOW policies apply: no enforced ALLOW layer, allowed' : 'ALLOW: no ALLOW policy applies: allowed');
    return;
  }
  const owner = i >= 0 ? chain.owners[i] : undefined;
  for (const c of allowEnforced) {
    noteRules(trace, c, http);
    if (c === owner) {
      trace.push(`ALLOW: ${c.ref} rule ${valueAt(chain.rules, i).rule} matches: allowed`);
      return;
    }
  }
  trace.push(`ALLOW: ${allowEnforced.map((c) => c.ref).join(', ')} ${allowEnforced.length === 1 ? 'applies' : 'apply'} and none matches: default deny (${http ? '403' : 'connection closed'})`);
}
