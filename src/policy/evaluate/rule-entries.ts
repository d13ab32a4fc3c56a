// The rules of one proxy that can match on one destination port, as the stages list them at build
// time (each stage module lists its own: stages/custom.ts, deny.ts, allow.ts, ztunnel.ts): per rule its
// port-specialized predicate, its rule guard, the reason it gives as first match of its stage, and its
// policy. `packEntries` turns the lists into the one scan array a decision reads (rule-guard.ts).
import type { DecisionReason } from './decision.js';
import { K, type Pred, reads } from './predicate.js';
import type { CompiledAuthorizationPolicy } from './proxy-policies.js';
import { type GuardedRules, guardRules, type RuleGuard } from './rule-guard.js';

export interface RuleEntry {
  /** The rule's predicate with the destination port known (port-specialization.ts); never FALSE. */
  readonly match: Pred;
  readonly guard: RuleGuard;
  readonly reason: DecisionReason;
  readonly owner: CompiledAuthorizationPolicy;
}

export interface PackedEntries {
  readonly rules: GuardedRules<DecisionReason>;
  readonly owners: readonly CompiledAuthorizationPolicy[];
  readonly readsIps: boolean;
}

const IP_KINDS: readonly K[] = [K.SOURCE_IP, K.REMOTE_IP, K.DESTINATION_IP];

/** `entries` (in scan order) as one guarded scan array, with the policy of each rule. */
export function packEntries(entries: readonly RuleEntry[]): PackedEntries {
  const preds = entries.map((e) => e.match);
  return {
    rules: guardRules(
      preds,
      entries.map((e) => e.guard),
      entries.map((e) => e.reason),
    ),
    owners: entries.map((e) => e.owner),
    readsIps: preds.some((p) => reads(p, IP_KINDS)),
  };
}
