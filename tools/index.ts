// The tool catalog: an explicit list, sorted by name (docs/style.md; no registration by import side
// effects). MCP registers it in this order; chat and the review bot filter it by toolset and effect.
import type { ToolDefinition } from './define-tool.js';
import { gerritListGroups } from './gerrit-list-groups.js';
import { meshSummaryTool } from './mesh-summary.js';
import { policyCheckAccess } from './policy-check-access.js';

export const allTools: readonly ToolDefinition[] = [gerritListGroups, meshSummaryTool, policyCheckAccess] as unknown as readonly ToolDefinition[];
