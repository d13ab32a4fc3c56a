// The tool catalog: an explicit list, sorted by name (docs/style.md; no registration by import side
// effects). MCP registers it in this order; chat and the review bot filter it by toolset and effect.
import type { ToolDefinition } from './define-tool.js';
import { gerritGetAccountGroups } from './gerrit-get-account-groups.js';
import { gerritGetGroup } from './gerrit-get-group.js';
import { gerritListGroups } from './gerrit-list-groups.js';
import { meshGetPolicy } from './mesh-get-policy.js';
import { meshListPolicies } from './mesh-list-policies.js';
import { meshSummaryTool } from './mesh-summary.js';
import { policyCheckAccess } from './policy-check-access.js';
import { policyDiff } from './policy-diff.js';
import { policyDraft } from './policy-draft.js';
import { policyExplain } from './policy-explain.js';
import { policyPropose } from './policy-propose.js';
import { policySubmitForReview } from './policy-submit-for-review.js';
import { policyValidate } from './policy-validate.js';
import { reviewLoadForecast } from './review-load-forecast.js';

export const allTools: readonly ToolDefinition[] = [
  gerritGetAccountGroups,
  gerritGetGroup,
  gerritListGroups,
  meshGetPolicy,
  meshListPolicies,
  meshSummaryTool,
  policyCheckAccess,
  policyDiff,
  policyDraft,
  policyExplain,
  policyPropose,
  policySubmitForReview,
  policyValidate,
  reviewLoadForecast,
] as unknown as readonly ToolDefinition[];
