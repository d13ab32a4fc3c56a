// authz.IneffectiveRules (GIC113): a rule that can never take effect: an ALLOW rule whose every request
// is denied by DENY rules on every workload it applies to (the witness is such a request, denied), or a
// rule that another rule of the same policy already matches in full (redundant).
import type { Rule } from '../../resources/authorization-policy.js';
import type { AuthorizationPolicy, Workload } from '../../resources/mesh.js';
import { defineAnalyzer } from '../analyzer.js';
import { isDryRun } from '../rule-facts.js';
import { requestMatching } from '../witness.js';
import { ruleCovers } from './rule-coverage.js';
import { witnessOptions } from './support.js';

export const ineffectiveRules = defineAnalyzer({
  metadata: {
    name: 'authz.IneffectiveRules',
    description: 'ALLOW rules wholly covered by DENY rules, and rules covered by another rule of the same policy',
    inputs: ['AuthorizationPolicy'],
    codes: ['GIC113'],
    subject: 'AuthorizationPolicy',
  },
  analyze(ctx, p) {
    const action = p.spec.action ?? 'ALLOW';
    const rules = p.spec.rules ?? [];
    const reported = new Set<number>();
    rules.forEach((inner, j) => {
      const i = rules.findIndex((outer, k) => k !== j && ruleCovers(outer, inner) && (k < j || !ruleCovers(inner, outer)));
      if (i < 0) return;
      reported.add(j);
      ctx.report('GIC113', {
        target: p,
        field: `spec.rules[${j}]`,
        args: { action, rule: j, why: `rule ${i} of the same policy already matches every request it matches` },
        effect: 'The rule is redundant: removing it changes no decision',
        fix: `remove rule ${j}, or narrow rule ${i} if it was meant to be stricter`,
      });
    });
    if (action !== 'ALLOW' || isDryRun(p.annotations)) return;
    const workloads = ctx.workloadsOf(p);
    if (workloads.length === 0) return;
    const root = p.namespace === ctx.rootNamespace;
    // A root-namespace ALLOW policy reaches workloads everywhere: only root DENY policies with the same
    // scope (no selector, or the same selector) surely cover it on all of them.
    const sameScope = (d: typeof p): boolean => d.spec.selector === undefined || JSON.stringify(d.spec.selector.matchLabels ?? {}) === JSON.stringify(p.spec.selector?.matchLabels ?? {});
    const rootDenies = root ? ctx.authorizationPoliciesIn(p.namespace).filter((d) => d.spec.action === 'DENY' && !isDryRun(d.annotations) && (d.spec.targetRefs ?? []).length === 0 && d.spec.targetRef === undefined && sameScope(d)) : [];
    // The enforced DENY rules of each workload, listed once per policy (not once per rule).
    const denyRules = new Map<Workload, { d: AuthorizationPolicy; dr: Rule; k: number }[]>();
    const denyRulesOf = (w: Workload): { d: AuthorizationPolicy; dr: Rule; k: number }[] => {
      let list = denyRules.get(w);
      if (list === undefined) {
        const deny = ctx.authorizationFor(w).deny.filter((d) => !isDryRun(d.annotations));
        denyRules.set(w, (list = deny.flatMap((d) => (d.spec.rules ?? []).map((dr, k) => ({ d, dr, k })))));
      }
      return list;
    };
    rules.forEach((rule, r) => {
      if (reported.has(r)) return;
      let by: string | undefined;
      if (root) {
        const hit = rootDenies.flatMap((d) => (d.spec.rules ?? []).map((dr, k) => ({ d, dr, k }))).find(({ dr }) => ruleCovers(dr, rule));
        if (hit !== undefined) by = `DENY policy ${hit.d.namespace}/${hit.d.name} rule ${hit.k}`;
      } else {
        for (const w of workloads) {
          const hit = denyRulesOf(w).find(({ dr }) => ruleCovers(dr, rule));
          if (hit === undefined) return;
          by ??= `DENY policy ${hit.d.namespace}/${hit.d.name} rule ${hit.k}`;
        }
      }
      if (by === undefined) return;
      const w = workloads[0]!;
      const witness = ctx.witness(requestMatching(rule, witnessOptions(ctx, w)), 'DENY', `a request the ALLOW rule matches is denied by ${by}`);
      ctx.report('GIC113', {
        target: p,
        field: `spec.rules[${r}]`,
        args: { action, rule: r, why: `${by} denies every request it matches on every workload it applies to` },
        effect: 'DENY is evaluated before ALLOW, so nothing this rule allows ever gets through',
        fix: 'remove the rule, or narrow the DENY rule if these requests should pass',
        ...(witness === undefined ? {} : { witness }),
      });
    });
  },
});
