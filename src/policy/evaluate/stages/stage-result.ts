// What a stage that decides returns (decision, provider, reasons), and the Decision the pipeline makes
// of it (docs/cli.md "gic check" result: the key order is part of the JSON output).
import type { Protocol } from '../access-request.js';
import type { Decision, DecisionKind, DecisionReason } from '../decision.js';

export interface StageResult {
  readonly decision: DecisionKind;
  readonly provider?: string;
  readonly reasons: DecisionReason[];
}

/** The Decision for `r`; `trace` undefined (hot path): an empty trace. */
export function finish(protocol: Protocol, r: StageResult, trace: string[] | undefined): Decision {
  return r.provider !== undefined
    ? { decision: r.decision, protocol, provider: r.provider, reasons: r.reasons, trace: trace ?? [] }
    : { decision: r.decision, protocol, reasons: r.reasons, trace: trace ?? [] };
}
