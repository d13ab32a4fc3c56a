// The output schema of a proposal (the `gic propose` JSON shape, docs/cli.md), shared by policy_propose
// and policy_draft, and its text rendering: input errors and blockers first, so an unverified proposal
// never reads as usable.
import { z } from 'zod';

import type { ProposeResult } from '../src/copilot/propose-policy.js';
import { ValidateReportSchema } from '../src/policy/validate/validate-report.js';
import { renderInputErrors } from './input-errors-gate.js';
import { InputErrorsSchema, jsonObject, MeshRefSchema } from './tool-schemas.js';

export const ProposalShape = {
  intent: jsonObject<ProposeResult['intent']>('the structured intent as compiled'),
  yaml: z.string(),
  verified: z.boolean().describe('true only when every check passed: only then may it be submitted'),
  validation: ValidateReportSchema,
  dryRun: jsonObject<ProposeResult['dryRun']>(),
  diff: z.object({ changes: z.array(jsonObject<ProposeResult['diff']['changes'][number]>()), summary: z.object({ granted: z.number(), revoked: z.number(), changed: z.number() }) }),
  unintended: z.array(jsonObject<ProposeResult['unintended'][number]>()),
  warnings: z.array(z.string()),
  policy: z.object({ namespace: z.string(), name: z.string(), extends: z.string().optional() }),
  groups: z.array(z.object({ name: z.string(), status: z.enum(['exists', 'missing', 'unknown', 'error']), uuid: z.string().optional(), closest: z.array(z.string()).optional(), message: z.string().optional() })),
  inputErrors: InputErrorsSchema,
  findings: z.array(jsonObject<ProposeResult['findings'][number]>()),
  expires: z.string().optional(),
  blockers: z.array(z.string()).describe('why it is not verified (empty when verified)'),
  mesh: MeshRefSchema,
  proposal: z.string().describe('the proposal id: pass it to policy_submit_for_review'),
};

export const ProposalSchema = z.object(ProposalShape);

export function renderProposal(r: ProposeResult): string {
  const s = r.diff.summary;
  const head = r.verified ? `VERIFIED proposal ${r.proposal}: ${r.policy.namespace}/${r.policy.name}` : `NOT VERIFIED proposal ${r.proposal}: ${r.policy.namespace}/${r.policy.name} (do not submit)`;
  return [
    renderInputErrors(r.inputErrors) + head,
    ...r.blockers.map((b) => `blocker: ${b}`),
    `access delta: ${s.granted} granted, ${s.revoked} revoked, ${s.changed} changed${r.unintended.length > 0 ? `; ${r.unintended.length} NOT asked for` : ''}`,
    ...r.diff.changes.slice(0, 10).map((c) => `- ${c.before} -> ${c.after} on ${c.workload.namespace}/${c.workload.name}: ${c.summary}`),
    ...r.findings.map((f) => `finding ${f.code} (${f.level}): ${f.message}`),
    '',
    r.yaml,
  ].join('\n');
}
