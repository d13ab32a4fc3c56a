// ztunnel (ambient L4 authorization) at the destination workload: DENY, then ALLOW, on L4 attributes
// only (ztunnel-rules.ts holds how istiod converts policies and how ztunnel matches them). ztunnel's
// rules for a workload and destination port are built once (`ztunnelChain`); per request, the hot form
// `ztunnelMatch`/`ztunnelResult` decides and the traced form `traceZtunnel` describes that outcome.
import type { CompiledMesh, ProxyTarget } from '../compile-mesh.js';
import { REASON, reasonFor, type ReasonKind } from '../decision-reasons.js';
import { FALSE } from '../predicate.js';
import type { CompiledAuthorizationPolicy, ZtunnelChain } from '../proxy-policies.js';
import type { RequestAttributes } from '../request-attributes.js';
import { RuleEntries } from '../rule-entries.js';
import { firstGuardedMatch, requestSegments, requestWord, ruleCount, valueAt } from '../rule-guard.js';
import type { ZtunnelPolicy } from '../ztunnel-rules.js';
import type { StageResult } from './stage-result.js';

/** ztunnel's DENY and ALLOW rules for `target` on `port`, built on first use. */
export function ztunnelChain(compiled: CompiledMesh, target: ProxyTarget, port: number | undefined): ZtunnelChain {
  const policies = compiled.ztunnelPolicies(target);
  const key = port ?? -1;
  const hit = policies.chains.get(key);
  if (hit !== undefined) return hit;
  const list = new RuleEntries(port);
  const add = (owners: readonly CompiledAuthorizationPolicy[], kind: ReasonKind): void => {
    for (const c of owners) {
      for (const r of (c.ztunnel as ZtunnelPolicy).rules) {
        const match = list.onPort(r);
        if (match !== FALSE) list.add(r, match, reasonFor(c, kind, r.index), c);
      }
    }
  };
  add(policies.deny, REASON.ZTUNNEL_DENY);
  const allowStart = list.length;
  add(policies.allow, REASON.ZTUNNEL_ALLOW);
  const chain: ZtunnelChain = {
    policies,
    ...list.pack(),
    allowStart,
    hasAllowLayer: policies.allow.length > 0,
    defaultDeny: policies.allow.map((c) => reasonFor(c, REASON.ZTUNNEL_DEFAULT_DENY, -1)),
  };
  policies.chains.set(key, chain);
  return chain;
}

/** Hot: the number in `chain.rules` of the first matching DENY rule, else of the first matching ALLOW rule, else -1. */
export function ztunnelMatch(chain: ZtunnelChain, a: RequestAttributes): number {
  const w0 = requestWord(a);
  const w1 = requestSegments(a);
  const d = firstGuardedMatch(chain.rules, 0, chain.allowStart, w0, w1, a);
  if (d >= 0 || !chain.hasAllowLayer) return d;
  return firstGuardedMatch(chain.rules, chain.allowStart, ruleCount(chain.rules), w0, w1, a);
}

/** Hot: the decision for the outcome `i` of ztunnelMatch. */
export function ztunnelResult(chain: ZtunnelChain, i: number): StageResult {
  if (i >= 0) return { decision: i < chain.allowStart ? 'DENY' : 'ALLOW', reasons: [valueAt(chain.rules, i)] };
  return chain.hasAllowLayer ? { decision: 'DENY', reasons: chain.defaultDeny.slice() } : { decision: 'ALLOW', reasons: [] };
}

/** Traced: the ztunnel stage whose hot outcome is `i` (ztunnelMatch). */
export function traceZtunnel(trace: string[], chain: ZtunnelChain, i: number): void {
  const z = chain.policies;
  let notes = ztunnelNotes.get(z);
  if (notes === undefined) {
    notes = policyNotes(z);
    ztunnelNotes.set(z, notes);
  }
  for (let n = 0; n < notes.length; n++) trace.push(notes[n]!);
  const owner = i >= 0 ? chain.owners[i] : undefined;
  const rule = i >= 0 ? valueAt(chain.rules, i).rule : undefined;
  for (const c of z.deny) {
    if (c === owner) {
      trace.push(`ztunnel DENY: ${c.ref} rule ${rule} matches: connection rejected`);
      return;
    }
    trace.push(`ztunnel DENY: ${c.ref} does not match`);
  }
  if (z.allow.length === 0) {
    trace.push('ztunnel ALLOW: no ALLOW policy applies: allowed');
    return;
  }
  for (const c of z.allow) {
    if (c === owner) {
      trace.push(`ztunnel ALLOW: ${c.ref} rule ${rule} matches: allowed`);
      return;
    }
  }
  trace.push(`ztunnel ALLOW: ${z.allow.map((c) => c.ref).join(', ')} ${z.allow.length === 1 ? 'applies' : 'apply'} and none matches: connection rejected`);
}

/** The lines about what ztunnel leaves out of the workload's policies: built once per workload (they depend on its policies only). */
const ztunnelNotes = new WeakMap<ZtunnelChain['policies'], readonly string[]>();

function policyNotes(z: ZtunnelChain['policies']): readonly string[] {
  const lines: string[] = [];
  for (const c of z.ignored) lines.push(`ztunnel: ${c.ref} ignored: ${c.ztunnelSkip ?? ''}`);
  for (const list of [z.deny, z.allow]) {
    for (const c of list) {
      const l7 = c.ztunnel?.l7 ?? [];
      if (l7.length === 0) continue;
      lines.push(
        c.action === 'ALLOW'
          ? `ztunnel: ${c.ref} uses HTTP attributes (${l7.join(', ')}): its rules with them are omitted`
          : `ztunnel: ${c.ref} uses HTTP attributes (${l7.join(', ')}): they are omitted, and a match left empty matches nothing`,
      );
    }
  }
  return lines;
}
