// `gic propose --intent FILE [--mesh DIR]`: compile a structured intent into an AuthorizationPolicy
// and verify it through the copilot (docs/cli.md): validation, dry-run (the cluster's when one is
// configured, else offline), the exact access diff against the intent, the Gerrit groups it names
// (when a Gerrit source is configured), the analyzers on the proposed policy. The proposal is stored
// with its evidence and its id printed ("proposal"; `gic submit ID`). Fails closed: an unverified
// proposal is printed with its "blockers" and exits 3, as do input errors in the mesh unless
// --allow-input-errors; an intent file that is not a valid intent is a bad request (exit 2).
import type { ProposeResult } from '../../copilot/propose-policy.js';
import { AppError } from '../../errors.js';
import type { Command } from '../command.js';
import { COPILOT_OPTIONS, INPUT_ERRORS_OPTION } from '../copilot-options.js';
import { writeJson } from '../output/write-json.js';
import { parseJson } from '../read-request.js';
import { readText } from '../read-sources.js';

export function renderProposal(p: ProposeResult): string {
  const lines = [p.yaml.trimEnd(), '', `proposal ${p.proposal}: ${p.verified ? 'verified' : 'NOT verified'}`];
  for (const e of p.inputErrors) lines.push(`  input error: ${e.file}:${e.line} ${e.field === '' ? '' : `${e.field}: `}${e.message}`);
  lines.push(`  access delta: ${p.diff.summary.granted} granted, ${p.diff.summary.revoked} revoked, ${p.diff.summary.changed} changed`);
  for (const c of p.diff.changes) lines.push(`    ${c.summary}`);
  for (const c of p.unintended) lines.push(`  UNINTENDED: ${c.summary}`);
  for (const g of p.groups) lines.push(`  group ${g.name}: ${g.status}${g.closest !== undefined && g.closest.length > 0 ? ` (closest: ${g.closest.join(', ')})` : ''}`);
  for (const f of p.findings) lines.push(`  ${f.code} (${f.level}) ${f.source}: ${f.message}`);
  for (const w of p.warnings) lines.push(`  warning: ${w}`);
  for (const b of p.blockers) lines.push(`  not verified: ${b}`);
  if (p.expires !== undefined) lines.push(`  expires: ${p.expires}`);
  return `${lines.join('\n')}\n`;
}

/** Fail closed: exit 3 for an unverified proposal, and for input errors unless they are accepted. */
export function exitStatus(verified: boolean | undefined, inputErrors: number, allowInputErrors: boolean): 'ok' | 'findings' {
  if (inputErrors > 0 && !allowInputErrors) return 'findings';
  return verified === false ? 'findings' : 'ok';
}

export const proposeCommand: Command = {
  name: 'propose',
  description: 'compile an intent file into an AuthorizationPolicy, verify it (validation, dry-run, exact access diff, groups, analyzers) and store the proposal',
  usage: 'gic propose --intent FILE [--mesh PATH...] [--allow-input-errors] [-o human|json]',
  examples: ['gic propose --intent intent.json --mesh examples/demo-mesh -o json', 'gic propose --intent intent.json --mesh examples/demo-mesh --gerrit-snapshot examples/demo-gerrit'],
  options: {
    intent: { type: 'string', valueName: 'FILE', description: 'the structured intent (JSON; - for stdin)' },
    mesh: { type: 'string', multiple: true, valueName: 'PATH', description: 'mesh file or directory (read recursively); default: the configured cluster, else an empty mesh' },
    ...INPUT_ERRORS_OPTION,
    ...COPILOT_OPTIONS,
  },
  formats: ['human', 'json'],
  async run({ values, format, io, logger }) {
    const intentFile = values['intent'];
    if (typeof intentFile !== 'string') throw new AppError('usage', 'give the intent with --intent FILE');
    const intent = parseJson(await readText(intentFile), `intent file ${intentFile}`);
    const { openCopilot } = await import('../copilot-context.js');
    const opened = await openCopilot('propose', values, logger, { mesh: 'empty' });
    try {
      const result = await opened.copilot.propose({ intent }, opened.ctx);
      for (const w of result.warnings) logger.warn(w);
      if (format === 'json') writeJson(io, result);
      else io.stdout(renderProposal(result));
      return { status: exitStatus(result.verified, result.inputErrors.length, values['allow-input-errors'] === true) };
    } catch (error) {
      if (AppError.isInstance(error) && error.code === 'bad-request') throw new AppError('bad-request', `intent file ${intentFile}: ${error.message}`, { cause: error, details: error.details });
      throw error;
    } finally {
      await opened.close();
    }
  },
};
