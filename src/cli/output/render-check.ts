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

/**
 * One batch result as a compact JSON line, `{"line",...cli.md's keys}`, written from the decision
 * without building an intermediate result object (the hot path of `gic check --requests`). Reasons are
 * shared immutable values (evaluate-request.ts caches them per policy and rule): each is serialized once.
 */
export function checkResultLine(line: number, decision: CheckResultView, withTrace: boolean): string {
  const provider = decision.provider === undefined ? '' : `,"provider":${JSON.stringify(decision.provider)}`;
  const trace = withTrace ? `,"trace":${JSON.stringify(decision.trace)}` : '';
  return `{"line":${line},"decision":"${decision.decision}","protocol":"${decision.protocol}"${provider},"reasons":${reasonsJson(decision.reasons)}${trace}}\n`;
}

const reasonText = new WeakMap<DecisionReason, string>();

function reasonsJson(reasons: readonly DecisionReason[]): string {
  if (reasons.length === 0) return '[]';
  let out = '[';
  for (let i = 0; i < reasons.length; i++) {
    const reason = reasons[i]!;
    let text = reasonText.get(reason);
    if (text === undefined) {
      text = JSON.stringify(reason);
      reasonText.set(reason, text);
    }
    out += i === 0 ? text : `,${text}`;
  }
  return `${out}]`;
}
