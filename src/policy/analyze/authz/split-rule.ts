// authz.SplitRule (GIC115): a rule with only `to` next to a rule with only `from` in the same policy:
// the YAML dash mistake (`- to:` / `- from:` as two list items) that ORs what was meant to be ANDed. In
// an ALLOW policy, any caller may do what `to` allows (the witness: a caller the `from` rule does not
// name); in a DENY policy, every request of the `from` callers is denied.
import { defineAnalyzer } from '../analyzer.js';
import { requestMatching } from '../witness.js';
import { witnessOptions } from './support.js';

export const splitRule = defineAnalyzer({
  metadata: {
    name: 'authz.SplitRule',
    description: 'a to-only rule next to a from-only rule (the YAML dash mistake)',
    inputs: ['AuthorizationPolicy'],
    codes: ['GIC115'],
    subject: 'AuthorizationPolicy',
  },
  analyze(ctx, p) {
    const action = p.spec.action ?? 'ALLOW';
    if (action !== 'ALLOW' && action !== 'DENY') return;
    const rules = p.spec.rules ?? [];
    const only = (part: 'from' | 'to'): number =>
      rules.findIndex((r) => (r[part] ?? []).length > 0 && (r[part === 'from' ? 'to' : 'from'] ?? []).length === 0 && (r.when ?? []).length === 0);
    const toRule = only('to');
    const fromRule = only('from');
    if (toRule < 0 || fromRule < 0) return;
    const w = ctx.workloadsOf(p)[0];
    let witness;
    if (w !== undefined) {
      if (action === 'ALLOW') witness = ctx.witness(requestMatching(rules[toRule]!, witnessOptions(ctx, w)), 'ALLOW', `a caller that rule ${fromRule} does not name is allowed by rule ${toRule} alone`);
      else witness = ctx.witness(requestMatching(rules[fromRule]!, witnessOptions(ctx, w, { path: '/gic-witness-other', protocol: 'http' })), 'DENY', `a request outside the operations of rule ${toRule} is denied by rule ${fromRule} alone`);
    }
    ctx.report('GIC115', {
      target: p,
      field: `spec.rules[${toRule}]`,
      args: {
        action,
        toRule,
        fromRule,
        effect: action === 'ALLOW' ? 'any caller may do what the `to` rule allows, and the `from` callers may do anything' : 'the `from` callers are denied everything, and everyone is denied the `to` operations',
      },
      effect: 'A rule is FROM AND TO AND WHEN; two list items are two rules',
      fix: `merge them into one rule: \`- from: [...]\` followed by \`  to: [...]\` (no dash before \`to\`)`,
      ...(witness === undefined ? {} : { witness }),
    });
  },
});
