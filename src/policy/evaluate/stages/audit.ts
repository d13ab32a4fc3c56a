// AUDIT, after authentication and before DENY: a matching AUDIT policy marks the request for audit
// logging and never changes the decision, so the hot path has no AUDIT stage at all; the traced form
// says which AUDIT policies match.
import { firstMatch } from '../envoy-rules.js';
import type { EnvoyChain } from '../proxy-policies.js';
import type { RequestAttributes } from '../request-attributes.js';
import { noteRules, ruleSetFor } from './policy-rules.js';

/** Traced: the AUDIT policies of the chain's proxy and whether each matches `a`. */
export function traceAudit(trace: string[], chain: EnvoyChain, a: RequestAttributes): void {
  const http = chain.http;
  for (const c of chain.policies.audit) {
    noteRules(trace, c, http);
    const i = firstMatch(ruleSetFor(c, http), a);
    trace.push(i >= 0 ? `AUDIT: ${c.ref} rule ${i} matches: the request is marked for audit logging (no effect on the decision)` : `AUDIT: ${c.ref} does not match`);
  }
}
