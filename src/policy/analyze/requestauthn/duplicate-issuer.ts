// requestauthn.DuplicateIssuer (GIC303): two jwtRules for one workload with the same issuer (in one
// RequestAuthentication or across the ones that apply to it): Envoy keeps one provider per issuer, so
// the JWKS, audiences or token locations of the other rule are not what validates the token.
import { defineAnalyzer } from '../analyzer.js';
import { workloadName } from '../authz/support.js';

export const duplicateIssuer = defineAnalyzer({
  metadata: {
    name: 'requestauthn.DuplicateIssuer',
    description: 'two jwtRules with the same issuer on one workload',
    inputs: ['RequestAuthentication'],
    codes: ['GIC303'],
    subject: 'RequestAuthentication',
  },
  analyze(ctx, ra) {
    const rules = ra.spec.jwtRules ?? [];
    const reported = new Set<number>();
    rules.forEach((rule, i) => {
      const issuer = rule.issuer;
      if (issuer === undefined || issuer === '') return;
      const earlier = rules.findIndex((x, j) => j < i && x.issuer === issuer);
      if (earlier < 0) return;
      reported.add(i);
      ctx.report('GIC303', {
        target: ra,
        field: `spec.jwtRules[${i}].issuer`,
        args: { issuer, workload: `the workloads of ${ra.namespace}/${ra.name}`, others: `jwtRules[${earlier}] of the same RequestAuthentication` },
        effect: 'Only one of the two rules validates tokens of this issuer; the other one\'s keys, audiences and token locations are ignored',
        fix: 'merge the two jwtRules into one (audiences and token locations can be lists)',
      });
    });
    const key = `${ra.namespace}/${ra.name}`;
    for (const w of ctx.workloadsOf(ra)) {
      const others = ctx.requestAuthenticationsFor(w).filter((o) => `${o.namespace}/${o.name}` < key);
      let found = false;
      rules.forEach((rule, i) => {
        if (reported.has(i) || rule.issuer === undefined || rule.issuer === '') return;
        const other = others.find((o) => (o.spec.jwtRules ?? []).some((x) => x.issuer === rule.issuer));
        if (other === undefined) return;
        reported.add(i);
        found = true;
        ctx.report('GIC303', {
          target: ra,
          field: `spec.jwtRules[${i}].issuer`,
          args: { issuer: rule.issuer, workload: workloadName(w), others: `also in RequestAuthentication ${other.namespace}/${other.name}` },
          effect: 'Only one of the two rules validates tokens of this issuer; the other one\'s keys, audiences and token locations are ignored',
          fix: 'keep one jwtRule per issuer for each workload',
        });
      });
      if (found) return;
    }
  },
});
