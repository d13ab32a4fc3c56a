// The reasons a DENY, ALLOW or ztunnel stage gives when a policy decides (a rule matches, or no rule of
// an ALLOW layer does): immutable values built once per policy, rule and kind and shared by every
// decision that cites them (cached on the CompiledAuthorizationPolicy). The wording is part of the
// `gic check` result (cli.md): change it only deliberately.
import type { DecisionReason } from './decision.js';
import type { CompiledRuleSet } from './envoy-rules.js';
import type { CompiledAuthorizationPolicy } from './proxy-policies.js';

/** What a reason says; with the rule index it keys the per-policy reason cache. */
export const REASON = { DENY: 0, ALLOW: 1, DEFAULT_DENY_HTTP: 2, DEFAULT_DENY_TCP: 3, ZTUNNEL_DENY: 4, ZTUNNEL_ALLOW: 5, ZTUNNEL_DEFAULT_DENY: 6 } as const;
export type ReasonKind = (typeof REASON)[keyof typeof REASON];

/** The (immutable, shared) reason for a policy outcome; `rule` -1 for the default-deny kinds. */
export function reasonFor(c: CompiledAuthorizationPolicy, kind: ReasonKind, rule: number): DecisionReason {
  const key = kind * 65536 + rule + 1;
  const hit = c.reasonCache.get(key);
  if (hit !== undefined) return hit;
  let r: DecisionReason;
  switch (kind) {
    case REASON.DENY:
      r = { policy: c.ref, action: 'DENY', rule, message: `rule ${rule} of DENY policy ${c.ref} matches` };
      break;
    case REASON.ALLOW:
      r = { policy: c.ref, action: 'ALLOW', rule, message: `rule ${rule} of ALLOW policy ${c.ref} matches` };
      break;
    case REASON.DEFAULT_DENY_HTTP:
    case REASON.DEFAULT_DENY_TCP:
      r = { policy: c.ref, action: 'ALLOW', message: `default deny: ${describeNoMatch(c, kind === REASON.DEFAULT_DENY_HTTP ? c.http : c.tcp)}` };
      break;
    case REASON.ZTUNNEL_DENY:
      r = { policy: c.ref, action: 'DENY', rule, message: `rule ${rule} of DENY policy ${c.ref} matches at ztunnel (L4)` };
      break;
    case REASON.ZTUNNEL_ALLOW:
      r = { policy: c.ref, action: 'ALLOW', rule, message: `rule ${rule} of ALLOW policy ${c.ref} matches at ztunnel (L4)` };
      break;
    default: {
      const zp = c.ztunnel;
      const why =
        c.ruleCount === 0
          ? `${c.ref} has no rules (allow-nothing)`
          : zp === undefined || zp.rules.length === 0
            ? `every rule of ${c.ref} uses HTTP attributes, which ztunnel cannot enforce, so none is kept`
            : `none of the ${zp.rules.length} L4 rule(s) of ${c.ref} match`;
      r = { policy: c.ref, action: 'ALLOW', message: `default deny at ztunnel: ${why}` };
    }
  }
  c.reasonCache.set(key, r);
  return r;
}

function describeNoMatch(c: CompiledAuthorizationPolicy, set: CompiledRuleSet): string {
  if (c.ruleCount === 0) return `${c.ref} has no rules (allow-nothing): it matches no request`;
  if (set.rules.length === 0) return `none of the ${c.ruleCount} rule(s) of ${c.ref} apply to this filter chain`;
  return `none of the ${set.rules.length} rule(s) of ${c.ref} match`;
}
