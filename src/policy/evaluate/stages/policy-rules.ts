// A policy's rules on one filter chain (HTTP or TCP) and, for the trace, what istiod did to them at
// compile time: rules it skipped and fields it dropped (envoy-rules.ts). Shared by the Envoy stages.
import type { CompiledRuleSet } from '../envoy-rules.js';
import type { CompiledAuthorizationPolicy } from '../proxy-policies.js';

export function ruleSetFor(c: CompiledAuthorizationPolicy, http: boolean): CompiledRuleSet {
  return http ? c.http : c.tcp;
}

/** Traced: the compile-time notes of `c`'s rules on this filter chain. */
export function noteRules(trace: string[], c: CompiledAuthorizationPolicy, http: boolean): void {
  const set = ruleSetFor(c, http);
  for (const s of set.skipped) trace.push(`  ${c.ref} rule ${s.index}: ${s.reason}`);
  for (const r of set.rules) for (const n of r.notes) trace.push(`  ${c.ref} rule ${r.index}: ${n}`);
}
