// The rules of one proxy that can match on one destination port, as the stages list them at build
// time (each stage module lists its own: stages/custom.ts, deny.ts, allow.ts, ztunnel.ts): per rule its
// port-specialized predicate, its rule guard, the reason it gives as first match of its stage, and its
// policy, packed into the one scan array a decision reads (rule-guard.ts). Built once per chain.
import type { DecisionReason } from './decision.js';
import { FALSE, K, kindsOf, type Pred } from './predicate.js';
import { specializePort } from './port-specialization.js';
import type { CompiledAuthorizationPolicy } from './proxy-policies.js';
import { appendGuarded, type GuardedRules, type RuleGuard } from './rule-guard.js';

/** A compiled rule as the lists read it (envoy-rules.ts CompiledRule; ztunnel rules have no `ports`). */
export interface ListedRule {
  readonly index: number;
  readonly match: Pred;
  readonly guard: RuleGuard;
  /** predicate.ts `kindsOf(match)`. */
  readonly kinds: number;
  /** The only destination ports the rule can match; null or absent: any. */
  readonly ports?: readonly number[] | null;
  /** `match` specialized per destination port (-1: none), shared by every list that holds the rule. */
  byPort: Map<number, Pred> | undefined;
}

const PORT = 1 << K.PORT;
const IPS = (1 << K.SOURCE_IP) | (1 << K.REMOTE_IP) | (1 << K.DESTINATION_IP);

export class RuleEntries {
  private readonly rules: (number | Pred | DecisionReason)[] = [];
  private readonly owners: CompiledAuthorizationPolicy[] = [];
  private ips = false;

  constructor(private readonly port: number | undefined) {}

  /** How many rules the list holds. */
  get length(): number {
    return this.owners.length;
  }

  /**
   * `rule` specialized to the list's port (port-specialization.ts); FALSE when it cannot match there
   * (its `ports` leave the port out, or its predicate folds to FALSE).
   */
  onPort(rule: ListedRule): Pred {
    const port = this.port;
    const ports = rule.ports;
    if (ports !== undefined && ports !== null) {
      if (port === undefined || !ports.includes(port)) return FALSE;
      // Every `to` entry lists ports: the rule's other port tests cost little to evaluate as they are.
      return rule.match;
    }
    if ((rule.kinds & PORT) === 0) return rule.match;
    const key = port ?? -1;
    const memo = (rule.byPort ??= new Map());
    let match = memo.get(key);
    if (match === undefined) memo.set(key, (match = specializePort(rule.match, port)));
    return match;
  }

  /** Appends `rule` with `match` (its onPort predicate, not FALSE) and the reason it gives as first match. */
  add(rule: ListedRule, match: Pred, reason: DecisionReason, owner: CompiledAuthorizationPolicy): void {
    appendGuarded(this.rules, match, rule.guard, reason);
    this.owners.push(owner);
    if (!this.ips && (rule.kinds & IPS) !== 0) this.ips = ((match === rule.match ? rule.kinds : kindsOf(match)) & IPS) !== 0;
  }

  /** The scan array, the policy of each rule, and whether a rule reads an address. */
  pack(): { readonly rules: GuardedRules<DecisionReason>; readonly owners: readonly CompiledAuthorizationPolicy[]; readonly readsIps: boolean } {
    return { rules: this.rules, owners: this.owners, readsIps: this.ips };
  }
}
