// authz.OverBroadGrant (GIC119): an allow-all rule (`{}`) or a rule whose only constraint is
// `principals: ["*"]` (any mTLS caller), in the root namespace (every workload of the mesh) or on a
// workload that also has narrower ALLOW policies, which the broad rule makes pointless.
import type { Rule } from '../../resources/authorization-policy.js';
import { defineAnalyzer } from '../analyzer.js';
import { isDryRun, isEmptyRule } from '../rule-facts.js';
import { requestMatching } from '../witness.js';
import { witnessOptions, workloadName } from './support.js';

function broad(rule: Rule): string | undefined {
  if (isEmptyRule(rule)) return 'allows every request (`{}`)';
  if ((rule.to ?? []).length > 0 || (rule.when ?? []).length > 0) return undefined;
  const from = rule.from ?? [];
  if (from.length === 0) return undefined;
  const anyCaller = from.some((f) => {
    const s = f.source ?? {};
    const keys = Object.entries(s).filter(([, v]) => Array.isArray(v) && v.length > 0);
    return keys.length === 1 && keys[0]![0] === 'principals' && (keys[0]![1] as string[]).includes('*');
  });
  return anyCaller ? 'allows any mTLS caller to do anything (`principals: ["*"]` and nothing else)' : undefined;
}

export const overBroadGrant = defineAnalyzer({
  metadata: {
    name: 'authz.OverBroadGrant',
    description: 'allow-all or any-principal ALLOW rules in the root namespace or next to narrower ALLOW policies',
    inputs: ['AuthorizationPolicy'],
    codes: ['GIC119'],
    subject: 'AuthorizationPolicy',
  },
  analyze(ctx, p) {
    if ((p.spec.action ?? 'ALLOW') !== 'ALLOW' || isDryRun(p.annotations)) return;
    const root = p.namespace === ctx.rootNamespace;
    (p.spec.rules ?? []).forEach((rule, r) => {
      const what = broad(rule);
      if (what === undefined) return;
      let why: string | undefined;
      const workloads = ctx.workloadsOf(p);
      if (root) why = `${what} on every workload of the mesh (root namespace ${p.namespace})`;
      else {
        for (const w of workloads) {
          const narrower = ctx.authorizationFor(w).allow.find((o) => o !== p && !isDryRun(o.annotations) && (o.spec.rules ?? []).length > 0 && (o.spec.rules ?? []).every((x) => broad(x) === undefined));
          if (narrower !== undefined) {
            why = `${what} on ${workloadName(w)}, which also has the narrower ALLOW policy ${narrower.namespace}/${narrower.name}`;
            break;
          }
        }
      }
      if (why === undefined) return;
      const w = workloads[0];
      const witness = w === undefined ? undefined : ctx.witness(requestMatching(rule, witnessOptions(ctx, w, { path: '/gic-witness/anything', protocol: 'http' })), 'ALLOW', 'an arbitrary caller and request is allowed');
      ctx.report('GIC119', {
        target: p,
        field: `spec.rules[${r}]`,
        args: { rule: r, ref: `${p.namespace}/${p.name}`, why },
        effect: 'ALLOW rules are OR-ed: this rule allows what the narrower policies were meant to restrict',
        fix: 'restrict the rule to the callers and operations intended (principals, namespaces, paths, methods), or scope it to one workload with a selector',
        ...(witness === undefined ? {} : { witness }),
      });
    });
  },
});
