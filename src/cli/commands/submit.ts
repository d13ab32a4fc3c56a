// `gic submit PROPOSAL_ID`: opens a Gerrit change in the policy repository with a verified proposal's
// YAML (docs/cli.md) and a commit message carrying its evidence and a Change-Id. The only write gic
// makes anywhere; it goes to review, never to a cluster. A proposal that is not verified (or, with
// --mesh, no longer verifies) is refused: exit 3. Needs --gerrit-url with credentials and
// --policy-project.
import type { SubmitResult } from '../../copilot/submit-proposal.js';
import { AppError } from '../../errors.js';
import type { Command } from '../command.js';
import { COPILOT_OPTIONS, POLICY_REPO_OPTIONS } from '../copilot-options.js';
import { writeJson } from '../output/write-json.js';

function render(result: SubmitResult): string {
  const head = result.alreadySubmitted ? `proposal ${result.proposal} was already submitted:` : `opened a change for proposal ${result.proposal}:`;
  return `${head} ${result.change.url}\n  Change-Id: ${result.change.changeId}\n${result.files.map((f) => `  ${f}`).join('\n')}\n`;
}

export const submitCommand: Command = {
  name: 'submit',
  description: 'open a Gerrit change in the policy repository with a verified proposal (the only write gic makes)',
  usage: 'gic submit PROPOSAL_ID [--mesh PATH...] --gerrit-url URL --gerrit-user USER --gerrit-password-file FILE --policy-project P [-o human|json]',
  positionals: 'PROPOSAL_ID',
  examples: ['gic submit 0b5c6d2e-... --gerrit-url https://gerrit.example.com --gerrit-user gic-bot --gerrit-password-file ~/.gic-token --policy-project mesh-policies'],
  options: {
    mesh: { type: 'string', multiple: true, valueName: 'PATH', description: 'verify the proposal again against this mesh before submitting' },
    ...POLICY_REPO_OPTIONS,
    ...COPILOT_OPTIONS,
  },
  formats: ['human', 'json'],
  async run({ values, positionals, format, io, logger }) {
    if (positionals.length !== 1) throw new AppError('usage', 'give exactly one proposal id (from gic propose or gic draft)');
    const { openCopilot } = await import('../copilot-context.js');
    const meshGiven = Array.isArray(values['mesh']) && values['mesh'].length > 0;
    const opened = await openCopilot('submit', values, logger, { mesh: meshGiven ? 'required' : 'none', gerritWriter: true });
    try {
      const result = await opened.copilot.submit({ proposal: positionals[0] as string }, opened.ctx);
      if (format === 'json') writeJson(io, result);
      else io.stdout(render(result));
      return { status: 'ok' };
    } finally {
      await opened.close();
    }
  },
};
