// authz.ExpiredGrant (GIC125): a time-bound grant whose `policy.gic/expires` annotation has passed, or
// whose value is not a date-time anyone can act on. The clock is an input of the analysis
// (AnalysisOptions `now`): without one, only malformed values are reported. Expired ALLOW policies
// carry a witness: a request the grant still allows.
import { EXPIRES_ANNOTATION, parseExpires } from '../../resources/expires-annotation.js';
import { defineAnalyzer } from '../analyzer.js';
import { requestMatching } from '../witness.js';
import { witnessOptions } from './support.js';

/** `3 days`, `5 hours`, `12 minutes`, `40 seconds`: the largest whole unit. */
function durationText(ms: number): string {
  const units: Array<[string, number]> = [['day', 86_400_000], ['hour', 3_600_000], ['minute', 60_000], ['second', 1000]];
  for (const [unit, size] of units) {
    const n = Math.floor(ms / size);
    if (n >= 1) return `${n} ${unit}${n === 1 ? '' : 's'}`;
  }
  return 'less than a second';
}

export const expiredGrant = defineAnalyzer({
  metadata: {
    name: 'authz.ExpiredGrant',
    description: 'time-bound grants (policy.gic/expires) that have expired or carry a malformed expiry',
    inputs: ['AuthorizationPolicy'],
    codes: ['GIC125'],
    subject: 'AuthorizationPolicy',
  },
  analyze(ctx, p) {
    const value = p.annotations[EXPIRES_ANNOTATION];
    if (value === undefined) return;
    const field = `metadata.annotations["${EXPIRES_ANNOTATION}"]`;
    const ref = `${p.namespace}/${p.name}`;
    const expires = parseExpires(value);
    if (expires === undefined) {
      ctx.report('GIC125', {
        target: p,
        field,
        args: { ref, value, why: 'not an RFC 3339 date-time with seconds and an offset (such as 2027-01-31T00:00:00Z)' },
        effect: 'Nobody can tell when the grant ends, so nothing will remove it: the policy stays in force indefinitely',
        fix: `write the expiry as an RFC 3339 date-time, e.g. ${EXPIRES_ANNOTATION}: "2027-01-31T00:00:00Z", or remove the annotation if the policy is permanent`,
      });
      return;
    }
    const now = ctx.now;
    if (now === undefined || expires > now.getTime()) return;
    const action = p.spec.action ?? 'ALLOW';
    const rule = p.spec.rules?.[0];
    const w = rule === undefined ? undefined : ctx.workloadsOf(p)[0];
    const names = (d: { readonly reasons: readonly { readonly policy: string }[] }): boolean => d.reasons.some((x) => x.policy === ref);
    const witness =
      rule === undefined || w === undefined || (action !== 'ALLOW' && action !== 'DENY')
        ? undefined
        : ctx.witness(requestMatching(rule, witnessOptions(ctx, w)), action, action === 'ALLOW' ? 'a request the expired grant still allows' : 'a request the expired block still denies', names);
    ctx.report('GIC125', {
      target: p,
      field,
      args: { ref, value, why: `it expired ${durationText(now.getTime() - expires)} before the analysis time ${now.toISOString()}` },
      effect: action === 'DENY' ? 'The block it puts in place is still enforced' : `The ${action === 'ALLOW' ? 'access it grants' : `${action} rules it adds`} ${action === 'ALLOW' ? 'is' : 'are'} still in force`,
      fix: 'remove the policy (or the rules the grant added), or move the expiry if the grant was renewed',
      ...(witness === undefined ? {} : { witness }),
    });
  },
});
