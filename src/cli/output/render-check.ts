// Human text for a `gic check` result: the decision and protocol, the reasons that decided (policy,
// action, rule, message) and the evaluation trace in Istio's order.
import type { DecisionReason } from '../../policy/evaluate/decision.js';

interface CheckResultView {
  readonly decision: string;
  readonly protocol: string;
  readonly provider?: string;
  readonly reasons: readonly DecisionReason[];
  readonly trace: readonly string[];
}

export function renderDecision(result: CheckResultView): string {
  const head = `${result.decision} (${result.protocol})${result.provider !== undefined ? `: ext-authz provider "${result.provider}" decides` : ''}`;
  const lines = [head];
  if (result.reasons.length > 0) {
    lines.push('Reasons:');
    for (const reason of result.reasons) {
      const rule = reason.rule !== undefined ? ` rule ${reason.rule}` : '';
      lines.push(`  ${reason.action} ${reason.policy}${rule}: ${reason.message}`);
    }
  }
  if (result.trace.length > 0) {
    lines.push('Trace:');
    result.trace.forEach((step, i) => lines.push(`  ${i + 1}. ${step}`));
  }
  return `${lines.join('\n')}\n`;
}
