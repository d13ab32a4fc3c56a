// A policy's rules on one filter chain (HTTP or TCP) and, for the trace, what istiod did to them at
// compile time: rules it skipped and fields it dropped (envoy-rules.ts). Shared by the Envoy stages.
// The notes depend on the compiled policy only: their lines are built once per policy and filter chain
// (the traced path of `gic check --requests` writes them for every request) and reused as they are.
import type { CompiledRuleSet } from '../envoy-rules.js';
import type { CompiledAuthorizationPolicy } from '../proxy-policies.js';

export function ruleSetFor(c: CompiledAuthorizationPolicy, http: boolean): CompiledRuleSet {
  return http ? c.http : c.tcp;
}

/** Traced: the compile-time notes of `c`'s rules on this filter chain. */
export function noteRules(trace: string[], c: CompiledAuthorizationPolicy, http: boolean): void {
  const cache = http ? httpNotes : tcpNotes;
  let lines = cache.get(c);
  if (lines === undefined) {
    lines = ruleNotes(c, http);
    cache.set(c, lines);
  }
  for (let i = 0; i < lines.length; i++) trace.push(lines[i]!);
}

const httpNotes = new WeakMap<CompiledAuthorizationPolicy, readonly string[]>();
const tcpNotes = new WeakMap<CompiledAuthorizationPolicy, readonly string[]>();

function ruleNotes(c: CompiledAuthorizationPolicy, http: boolean): readonly string[] {
  const set = ruleSetFor(c, http);
  const lines: string[] = [];
  for (const s of set.skipped) lines.push(`  ${c.ref} rule ${s.index}: ${s.reason}`);
  for (const r of set.rules) for (const n of r.notes) lines.push(`  ${c.ref} rule ${r.index}: ${n}`);
  return lines;
}
