// Use case `propose` (docs/cli.md `gic propose`, MCP `policy_propose`): a structured intent ->
// an AuthorizationPolicy verified against the mesh (verify-intent.ts: groups, compile, validation,
// dry-run, exact access diff, analyzers), stored with its evidence; returns the proposal id. An
// unverified proposal is a result, not an error: it is stored too (submit refuses it), so the caller
// can show why. An intent that does not parse is AppError `bad-request`.
import { randomUUID } from 'node:crypto';

import { AppError } from '../errors.js';
import { type Intent, IntentSchema } from '../policy/compile/intent.js';
import { auditedCall } from './audit-call.js';
import { callStages, type StageReporter } from './call-stages.js';
import type { CallContext, CopilotDeps } from './deps.js';
import { requireMesh } from './require-deps.js';
import { verifyIntent, type Verification } from './verify-intent.js';

export interface ProposeInput {
  /** The structured intent (cli.md "An intent file"); validated here. */
  readonly intent: unknown;
  /** The draft conversation this proposal answers, if any. */
  readonly conversationId?: string;
}

export interface ProposeResult extends Verification {
  /** The proposal's id in the store (`gic submit ID`, MCP `policy_submit_for_review`). */
  readonly proposal: string;
}

/** Parses an intent, or throws AppError `bad-request` naming each bad field. */
export function parseIntent(value: unknown): Intent {
  const parsed = IntentSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.length === 0 ? '(intent)' : i.path.join('.')}: ${i.message}`);
  throw new AppError('bad-request', `not a valid intent: ${problems.join('; ')}`, { details: { fields: parsed.error.issues.map((i) => i.path.join('.')) } });
}

/** Stores a verification as a proposal; returns its id. */
export async function storeProposal(deps: CopilotDeps, verification: Verification, ctx: CallContext, conversationId: string | undefined, stage: StageReporter): Promise<string> {
  stage('store', 'storing the proposal with its evidence');
  const id = deps.newId?.() ?? randomUUID();
  const { intent, yaml, verified, ...evidence } = verification;
  await deps.store.saveProposal({
    id,
    createdAt: deps.clock().toISOString(),
    createdBy: ctx.actor,
    intent,
    yaml,
    verified,
    evidence: evidence as unknown as Readonly<Record<string, unknown>>,
    ...(conversationId !== undefined ? { conversationId } : {}),
  });
  return id;
}

/** Evidence for the audit log: what the proposal does, in a few keys. */
export function proposalEvidence(result: ProposeResult): Readonly<Record<string, unknown>> {
  return {
    proposal: result.proposal,
    verified: result.verified,
    policy: result.policy,
    accessDelta: result.diff.summary,
    changes: result.diff.changes.slice(0, 20).map((c) => c.summary),
    unintended: result.unintended.length,
    validationErrors: result.validation.summary.errors,
    dryRun: result.dryRun.results.map((r) => ({ mode: r.mode, accepted: r.accepted })),
    findings: result.findings.map((f) => f.code),
    groups: result.groups.map((g) => ({ name: g.name, status: g.status })),
    inputErrors: result.inputErrors.length,
    ...(result.expires !== undefined ? { expires: result.expires } : {}),
    blockers: result.blockers,
    mesh: result.mesh,
  };
}

export async function proposePolicy(deps: CopilotDeps, input: ProposeInput, ctx: CallContext): Promise<ProposeResult> {
  return auditedCall(deps, ctx, 'propose', input, async () => {
    const stage = callStages(ctx, 6);
    const intent = parseIntent(input.intent);
    const mesh = requireMesh(deps);
    const verification = await verifyIntent(deps, intent, mesh.snapshot(), mesh.origin, ctx, stage);
    const proposal = await storeProposal(deps, verification, ctx, input.conversationId, stage);
    const result: ProposeResult = { ...verification, proposal };
    return {
      value: result,
      outcome: 'ok',
      detail: `proposal ${proposal} for ${result.policy.namespace}/${result.policy.name}: ${result.verified ? 'verified' : `not verified (${result.blockers[0] ?? 'see blockers'})`}`,
      evidence: proposalEvidence(result),
    };
  });
}
