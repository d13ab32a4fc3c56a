// The copilot's use cases bound to one set of dependencies: what the composition roots hand to the
// front-ends (CLI commands, the MCP tool catalog's ToolContext, the review bot, the chat API). Each
// method takes the use case's input and a CallContext (who, audit action, AbortSignal, progress).
import type { CallContext, CopilotDeps } from './deps.js';
import { draftPolicy, type DraftInput, type DraftResult } from './draft-policy.js';
import { explainAccess, type ExplainInput, type ExplainResult } from './explain-access.js';
import { forecastLoad, type ForecastInput, type ForecastResult } from './forecast-load.js';
import { proposePolicy, type ProposeInput, type ProposeResult } from './propose-policy.js';
import { reviewChange, type ReviewInput, type ReviewResult } from './review-change.js';
import { submitProposal, type SubmitInput, type SubmitResult } from './submit-proposal.js';

export interface Copilot {
  readonly deps: CopilotDeps;
  explain(input: ExplainInput, ctx: CallContext): Promise<ExplainResult>;
  propose(input: ProposeInput, ctx: CallContext): Promise<ProposeResult>;
  draft(input: DraftInput, ctx: CallContext): Promise<DraftResult>;
  review(input: ReviewInput, ctx: CallContext): Promise<ReviewResult>;
  submit(input: SubmitInput, ctx: CallContext): Promise<SubmitResult>;
  forecast(input: ForecastInput, ctx: CallContext): Promise<ForecastResult>;
}

export function createCopilot(deps: CopilotDeps): Copilot {
  return {
    deps,
    explain: (input, ctx) => explainAccess(deps, input, ctx),
    propose: (input, ctx) => proposePolicy(deps, input, ctx),
    draft: (input, ctx) => draftPolicy(deps, input, ctx),
    review: (input, ctx) => reviewChange(deps, input, ctx),
    submit: (input, ctx) => submitProposal(deps, input, ctx),
    forecast: (input, ctx) => forecastLoad(deps, input, ctx),
  };
}
