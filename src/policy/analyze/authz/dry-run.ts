// authz.DryRun (GIC120, info): the `istio.io/dry-run` annotation: the policy is evaluated and its
// result logged (shadow rules) but never enforced; a workload whose only ALLOW policies are dry-run
// has no enforced ALLOW layer.
import { defineAnalyzer } from '../analyzer.js';
import { isDryRun } from '../rule-facts.js';

export const dryRun = defineAnalyzer({
  metadata: {
    name: 'authz.DryRun',
    description: 'policies in dry-run mode (istio.io/dry-run)',
    inputs: ['AuthorizationPolicy'],
    codes: ['GIC120'],
    subject: 'AuthorizationPolicy',
  },
  analyze(ctx, p) {
    if (!isDryRun(p.annotations)) return;
    ctx.report('GIC120', {
      target: p,
      field: 'metadata.annotations["istio.io/dry-run"]',
      args: { ref: `${p.namespace}/${p.name}`, value: p.annotations['istio.io/dry-run'] ?? '' },
      effect: 'Requests are decided as if the policy did not exist (check the istio_dry_run_* metrics and shadow logs); in ambient mode ztunnel ignores it unless dry-run support is enabled',
      fix: 'remove the annotation (or set it to "false") when the logged results are as expected',
    });
  },
});
