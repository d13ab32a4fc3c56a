// The flags `gic serve` and `gic mcp` share: the settings of the copilot commands, the mesh, the model,
// the policy repository, the review bot, and the catalog's toolsets and read-only mode.
import type { OptionSpecs } from './command.js';
import { COPILOT_OPTIONS, MESH_OPTION, POLICY_REPO_OPTIONS, REVIEW_OPTIONS } from './copilot-options.js';
import { CONFIG_OPTION, MODEL_OPTIONS, settingOptions } from './setting-options.js';

export const CATALOG_OPTIONS: OptionSpecs = {
  toolsets: { type: 'string', multiple: true, valueName: 'LIST', description: 'toolsets to serve, comma-separated: gerrit, mesh, policy, review (default all)' },
  'read-only': { type: 'boolean', description: 'serve only tools that change nothing (policy_submit_for_review is not even listed)' },
};

export const SERVICE_OPTIONS: OptionSpecs = {
  ...CONFIG_OPTION,
  ...settingOptions((spec) => spec.path.startsWith('server.')),
  ...MESH_OPTION,
  ...COPILOT_OPTIONS,
  ...POLICY_REPO_OPTIONS,
  ...REVIEW_OPTIONS,
  'review-poll-interval-ms': { type: 'string', valueName: 'MS', description: 'how often the review bot polls Gerrit for patch sets it missed (env GIC_REVIEW_POLL_INTERVAL_MS, default 60000)' },
  ...MODEL_OPTIONS,
  ...CATALOG_OPTIONS,
};
