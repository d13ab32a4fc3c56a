// DENY, after AUDIT: the first matching rule of an enforced DENY policy denies (403 on HTTP, the
// connection closed on TCP); dry-run DENY policies (istio.io/dry-run) are evaluated for the trace only.
// Built once per chain: `denyEntries`; per request, the hot form `firstDeny` finds the first matching
// rule and the traced form `traceDeny` describes that outcome policy by policy.
import { REASON, reasonFor } from '../decision-reasons.js';
import { firstMatch } from '../envoy-rules.js';
import { FALSE } from '../predicate.js';
import type { EnvoyChain, EnvoyPolicies } from '../proxy-policies.js';
import type { RequestAttributes } from '../request-attributes.js';
import type { RuleEntries } from '../rule-entries.js';
import { firstGuardedMatch, valueAt } from '../rule-guard.js';
import { noteRules, ruleSetFor } from './policy-rules.js';
import type { StageResult } from './stage-result.js';

/** Lists the enforced DENY rules that can match on the list's port, in evaluation order (policy order, then rule order). */
export function denyEntries(list: RuleEntries, policies: EnvoyPolicies, http: boolean): void {
  for (const c of policies.deny) {
    if (c.dryRun) continue;
    for (const r of ruleSetFor(c, http).rules) {
      const match = list.onPort(r);
      if (match !== FALSE) list.add(r, match, reasonFor(c, REASON.DENY, r.index), c);
    }
  }
}

/** Hot: the number in `chain.rules` of the first matching DENY rule, or -1 (`w0`, `w1`: the request's guard words). */
export function firstDeny(chain: EnvoyChain, a: RequestAttributes, w0: number, w1: number): number {
  return firstGuardedMatch(chain.rules, chain.denyStart, chain.allowStart, w0, w1, a);
}

/** DENY rule `i` matched: denied. */
export function denied(chain: EnvoyChain, i: number): StageResult {
  return { decision: 'DENY', reasons: [valueAt(chain.rules, i)] };
}

/** Traced: the DENY stage whose hot outcome is `i` (firstDeny). */
export function traceDeny(trace: string[], chain: EnvoyChain, a: RequestAttributes, i: number): void {
  const http = chain.http;
  const owner = i >= 0 ? chain.owners[i] : undefined;
  const policies = chain.policies.deny;
  for (const c of policies) {
    if (c.dryRun) {
      const d = firstMatch(ruleSetFor(c, http), a);
      trace.push(d >= 0 ? `DENY (dry-run): ${c.ref} rule ${d} matches: would deny, not enforced` : `DENY (dry-run): ${c.ref} does not match`);
      continue;
    }
    noteRules(trace, c, http);
    if (c === owner) {
      trace.push(`DENY: ${c.ref} rule ${valueAt(chain.rules, i).rule} matches: ${http ? '403 RBAC: access denied' : 'connection closed'}`);
      return;
    }
    trace.push(`DENY: ${c.ref} does not match`);
  }
  if (policies.length === 0) trace.push('DENY: no DENY policy applies');
}
