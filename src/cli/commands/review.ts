// `gic review CHANGE[/PATCHSET] [--post]` (docs/cli.md "The review bot"): the review the bot would post
// on a patch set of the policy repository (files, validation, diff, findings, dry-run, vote, inline
// comments, message), printed; with --post it is posted, once per patch set (a patch set gic already
// reviewed is not reviewed again). For CI systems that drive Gerrit and for trying the bot by hand.
// Exit 3 when the vote is -1 (nothing verified), 5 when Gerrit or the cluster did not answer.
import { AppError } from '../../errors.js';
import type { GroupedComment } from '../../review/render-review.js';
import type { PatchSetReview } from '../../review/review-patch-set.js';
import type { Command } from '../command.js';
import { COPILOT_OPTIONS, MESH_OPTION, POLICY_REPO_OPTIONS, REVIEW_OPTIONS } from '../copilot-options.js';
import { writeJson } from '../output/write-json.js';

/** `123`, `123/2`, `project~123[/2]`, or a change URL `.../c/project/+/123[/2]`. */
export function parseChangeArg(arg: string, defaultProject: string | undefined): { project: string; change: number; patchset?: number } {
  const url = /\/c\/(.+)\/\+\/(\d+)(?:\/(\d+))?\/?$/.exec(arg);
  const plain = /^(?:(.+)~)?(\d+)(?:\/(\d+))?$/.exec(arg);
  const m = url ?? plain;
  if (m === null) throw new AppError('usage', `"${arg}" is not a change: give NUMBER[/PATCHSET], PROJECT~NUMBER[/PATCHSET] or a change URL`);
  const project = m[1] !== undefined ? decodeURIComponent(m[1]) : defaultProject;
  if (project === undefined) throw new AppError('usage', `"${arg}" names no project: give PROJECT~NUMBER or set --policy-project`);
  return { project, change: Number(m[2]), ...(m[3] !== undefined ? { patchset: Number(m[3]) } : {}) };
}

export interface ReviewCommandResult {
  readonly change: string;
  readonly patchset: number;
  readonly currentPatchset: number;
  readonly status: string;
  readonly files: readonly string[];
  readonly validation?: unknown;
  readonly diff?: unknown;
  readonly findings?: unknown;
  readonly newFindings?: unknown;
  readonly dryRun?: unknown;
  readonly inputErrors?: unknown;
  readonly verified: boolean;
  /** Why the review is not verified (empty when it is). */
  readonly blockers: readonly string[];
  readonly vote: -1 | 0 | 1;
  readonly label: { readonly name: string; readonly available: boolean };
  /** Each with `fixes` where the fix is mechanical: Gerrit fix suggestions (a proven text replacement). */
  readonly comments: readonly GroupedComment[];
  /** How the fix suggestions are (or would be) posted: robot-comments, comments or text. */
  readonly fixSuggestions: string;
  readonly message: string;
  readonly posted: boolean;
  /** Why nothing was posted (with --post), or why the bot would leave the patch set alone. */
  readonly reason?: string;
}

function toResult(review: PatchSetReview, label: string, posted: boolean, reason: string | undefined): ReviewCommandResult {
  const r = review.result;
  return {
    change: `${review.project}~${review.change}`,
    patchset: review.patchset,
    currentPatchset: review.currentPatchset,
    status: review.status,
    files: review.files,
    ...(r !== undefined ? { validation: r.validation, diff: r.diff, findings: r.findings, newFindings: r.newFindings, dryRun: r.dryRun, inputErrors: r.inputErrors } : {}),
    verified: r?.verified ?? false,
    blockers: r?.blockers ?? [],
    vote: review.rendered?.vote ?? 0,
    label: { name: label, available: review.labelAvailable },
    comments: review.rendered?.comments ?? [],
    fixSuggestions: review.rendered?.fixSuggestions ?? 'text',
    message: review.rendered?.message ?? 'the patch set touches no policy file',
    posted,
    ...(reason !== undefined ? { reason } : {}),
  };
}

function render(result: ReviewCommandResult): string {
  const lines = [`${result.change}/${result.patchset}: ${result.posted ? 'posted' : 'not posted'}${result.reason !== undefined ? ` (${result.reason})` : ''}`, '', result.message, ''];
  for (const c of result.comments) {
    lines.push(`${c.path}:${c.line}: ${c.message.replace(/\n/g, '\n    ')}`);
    for (const fix of c.fixes ?? []) {
      for (const r of fix.replacements) lines.push(`    Suggested fix (${fix.description}): ${r.path}:${r.range.start_line}:${r.range.start_character + 1}-${r.range.end_line}:${r.range.end_character + 1} -> ${JSON.stringify(r.replacement)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export const reviewCommand: Command = {
  name: 'review',
  description: 'review a patch set of the policy repository as the review bot does; --post posts it (once per patch set)',
  usage: 'gic review CHANGE[/PATCHSET] [--post] [--mesh PATH...] --gerrit-url URL --policy-project P [-o human|json]',
  positionals: 'CHANGE[/PATCHSET]',
  examples: ['gic review 1234 --mesh examples/demo-mesh --gerrit-url https://gerrit.example.com --policy-project mesh-policies -o json', 'gic review mesh-policies~1234/3 --post'],
  options: {
    post: { type: 'boolean', description: 'post the review on the patch set (once; the label vote only where the label exists)' },
    ...MESH_OPTION,
    ...POLICY_REPO_OPTIONS,
    ...REVIEW_OPTIONS,
    ...COPILOT_OPTIONS,
  },
  formats: ['human', 'json'],
  async run({ values, positionals, format, io, logger }) {
    if (positionals.length !== 1) throw new AppError('usage', 'give exactly one change: NUMBER[/PATCHSET], PROJECT~NUMBER[/PATCHSET] or a change URL');
    const [{ openCopilot }, { reviewSettingsFrom }, { GerritClient }, { buildPatchSetReview, postPatchSetReview, skipReason }] = await Promise.all([
      import('../copilot-context.js'),
      import('../../review/review-settings-from-config.js'),
      import('../../gerrit/gerrit-client.js'),
      import('../../review/review-patch-set.js'),
    ]);
    // With review.base repository the branch's policy files are the base: a mesh (for the workloads) is optional.
    const opened = await openCopilot('review', values, logger, { mesh: (config) => (config.review.base === 'repository' ? 'optional' : 'required'), strictDryRun: true });
    const { config } = opened;
    const settings = reviewSettingsFrom(config);
    const ref = parseChangeArg(positionals[0] as string, settings.project);
    const gerrit = new GerritClient({
      baseUrl: config.gerrit.url ?? '',
      ...(config.gerrit.user !== undefined && config.gerrit.password !== undefined ? { credentials: { username: config.gerrit.user, password: config.gerrit.password } } : {}),
      timeoutMs: config.gerrit.timeoutMs,
      retry: config.gerrit.retry,
      logger: logger.child({ adapter: 'gerrit' }),
    });
    try {
      const deps = { copilot: opened.deps, gerrit, settings: { ...settings, project: ref.project } };
      const review = await buildPatchSetReview(deps, ref);
      let posted = false;
      let reason = review.alreadyPosted ? `gic already posted its review on patch set ${review.patchset}` : skipReason(review);
      if (values['post'] === true && reason === undefined) {
        await postPatchSetReview(deps, review);
        posted = true;
      } else if (values['post'] !== true) {
        reason = reason ?? 'not posted without --post';
      }
      const result = toResult(review, settings.label, posted, reason);
      if (format === 'json') writeJson(io, result);
      else io.stdout(render(result));
      // Fail closed: a review that votes -1, or would without the label, is not a success.
      return { status: result.vote === -1 || review.result?.vote === -1 ? 'findings' : 'ok' };
    } finally {
      await gerrit.close();
      await opened.close();
    }
  },
};
