// The review bot's settings from gic's one config (src/config): the policy repository, the label and
// limits of the `review` section, and the Gerrit account the bot posts as (its own comments are
// ignored). Refuses (`not-configured`) without a Gerrit URL or a policy project.
import type { GicConfig } from '../config/config-schema.js';
import { AppError } from '../errors.js';
import { DEFAULT_REVIEW_SETTINGS, type ReviewBotSettings } from './review-settings.js';

export function reviewSettingsFrom(config: GicConfig, overrides: Partial<ReviewBotSettings> = {}): ReviewBotSettings {
  if (config.gerrit.url === undefined) throw new AppError('not-configured', 'the review bot needs Gerrit: set --gerrit-url (GIC_GERRIT_URL) with credentials');
  const project = config.policyRepo.project;
  if (project === undefined) throw new AppError('not-configured', 'the review bot needs the policy repository: set --policy-project (GIC_POLICY_PROJECT)');
  return {
    ...DEFAULT_REVIEW_SETTINGS,
    project,
    branch: config.policyRepo.branch,
    path: config.policyRepo.path,
    label: config.review.label,
    maxComments: config.review.maxComments,
    pollIntervalMs: config.review.pollIntervalMs,
    useModel: config.review.useModel,
    base: config.review.base,
    fixSuggestions: config.review.fixSuggestions,
    failOn: config.review.failOn,
    ...(config.gerrit.user !== undefined ? { account: config.gerrit.user } : {}),
    ...overrides,
  };
}
