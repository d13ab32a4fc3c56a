// `gic draft "natural-language request" [--mesh DIR] [--conversation ID]`: the model turns the request
// into a structured intent, gic checks every name and proposes it (docs/cli.md): the propose shape plus
// "intent", "questions" (clarifying questions with the closest existing names; then no proposal),
// "conversation" (answer with `--conversation ID "answer"`) and "proposal". Needs a model. Questions
// are a result (exit 0); an unverified proposal exits 3, as do input errors in the mesh unless
// --allow-input-errors.
import type { DraftResult } from '../../copilot/draft-policy.js';
import type { ProposeResult } from '../../copilot/propose-policy.js';
import { AppError } from '../../errors.js';
import type { Command } from '../command.js';
import { COPILOT_OPTIONS, INPUT_ERRORS_OPTION, MESH_OPTION } from '../copilot-options.js';
import { writeJson } from '../output/write-json.js';
import { MODEL_OPTIONS } from '../setting-options.js';
import { exitStatus, renderProposal } from './propose.js';

function render(result: DraftResult): string {
  if (result.questions.length > 0) {
    const lines = [`conversation ${result.conversation}: gic needs to know more before it can propose anything.`];
    for (const q of result.questions) lines.push(`- ${q.question}${q.options.length > 0 ? ` (${q.options.join(', ')})` : ''}`);
    lines.push('', `Answer with: gic draft --conversation ${result.conversation} "your answer"`);
    return `${lines.join('\n')}\n`;
  }
  return `conversation ${result.conversation}\n${renderProposal(result as ProposeResult)}`;
}

export const draftCommand: Command = {
  name: 'draft',
  description: 'draft a verified AuthorizationPolicy proposal from a request in plain words (needs a model); asks when something is unclear',
  usage: 'gic draft "REQUEST" --mesh PATH [--conversation ID] [-o human|json]',
  positionals: '"REQUEST"',
  examples: [
    'gic draft "let release-managers trigger builds on build-trigger, only POST /api/builds, until Friday" --mesh examples/demo-mesh --gerrit-snapshot examples/demo-gerrit',
    'gic draft --conversation 3f2a... "I meant release-managers" --mesh examples/demo-mesh',
  ],
  options: {
    ...MESH_OPTION,
    conversation: { type: 'string', valueName: 'ID', description: 'continue this conversation (answer its questions)' },
    ...INPUT_ERRORS_OPTION,
    ...COPILOT_OPTIONS,
    ...MODEL_OPTIONS,
  },
  formats: ['human', 'json'],
  async run({ values, positionals, format, io, logger }) {
    const text = positionals.join(' ').trim();
    if (text === '') throw new AppError('usage', 'say what access you want, e.g. gic draft "let release-managers POST /api/builds on builds/build-trigger"');
    const conversation = values['conversation'];
    const { openCopilot } = await import('../copilot-context.js');
    const opened = await openCopilot('draft', values, logger, { mesh: 'required', model: 'required' });
    try {
      const result = await opened.copilot.draft({ text, ...(typeof conversation === 'string' ? { conversation } : {}) }, opened.ctx);
      if (format === 'json') writeJson(io, result);
      else io.stdout(render(result));
      return { status: exitStatus(result.verified, result.inputErrors?.length ?? 0, values['allow-input-errors'] === true) };
    } finally {
      await opened.close();
    }
  },
};
