// `gic propose --intent FILE [--mesh DIR]`: compile a structured intent into an AuthorizationPolicy
// and verify it (docs/cli.md; what verified means: src/policy/compile/propose.ts, docs/input-errors.md):
// the intent and its target, validation, the offline dry-run on that mesh, the access diff between the
// mesh and the mesh plus the proposal (non-empty, equal to the intent), and no new analyzer error.
// Prints {yaml, verified, checks, validation, dryRun, diff, unintended, warnings, inputErrors}. Fails
// closed: exit 3 whenever `verified` is false (each failed check says why); an intent file that is not
// a valid intent is a bad request (exit 2). Gerrit groups are not checked here (no Gerrit source): the
// `gerrit-groups` check says "unknown" and does not decide.
import { AppError } from '../../errors.js';
import type { Command } from '../command.js';
import { allowsInputErrors, INPUT_ERROR_OPTIONS, logInputErrors, renderInputErrors } from '../input-errors-gate.js';
import { writeJson } from '../output/write-json.js';
import { readSources, readText } from '../read-sources.js';

function stringList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

export const proposeCommand: Command = {
  name: 'propose',
  description: 'compile an intent file into an AuthorizationPolicy and verify it (validation, dry-run, exact access diff)',
  usage: 'gic propose --intent FILE [--mesh PATH...] [-o human|json]',
  examples: ['gic propose --intent intent.json --mesh examples/demo-mesh -o json'],
  options: {
    intent: { type: 'string', valueName: 'FILE', description: 'the structured intent (JSON; - for stdin)' },
    mesh: { type: 'string', multiple: true, valueName: 'PATH', description: 'mesh file or directory (read recursively); without it nothing can be verified (the target does not exist)' },
    ...INPUT_ERROR_OPTIONS,
  },
  formats: ['human', 'json'],
  async run({ values, format, io, logger }) {
    const intentFile = values['intent'];
    if (typeof intentFile !== 'string') throw new AppError('usage', 'give the intent with --intent FILE');
    const text = await readText(intentFile, { maxBytes: 1024 * 1024, what: `intent file ${intentFile}` });
    const sources = await readSources(stringList(values['mesh']), { warn: (m, f) => logger.warn(m, f) });
    const [{ readIntentText }, { propose }, { readMeshInput }] = await Promise.all([
      import('../../policy/compile/read-intent.js'),
      import('../../policy/compile/propose.js'),
      import('../../policy/validate/read-mesh-input.js'),
    ]);
    const reading = readIntentText(text);
    if (!reading.ok) throw new AppError('bad-request', `intent file ${intentFile} is ${reading.kind === 'not-json' ? 'not JSON' : 'not a valid intent'}: ${reading.message}`);
    const { mesh, findings, inputErrors } = readMeshInput(sources);
    for (const finding of findings) {
      if (finding.level !== 'warning') continue;
      const { level, ...rest } = finding;
      logger.warn(`mesh input ${level}: ${finding.message}`, { ...rest, severity: level });
    }
    logInputErrors(logger, inputErrors, values);
    const proposal = propose(reading.intent, mesh, { sources, inputErrors, acceptInputErrors: allowsInputErrors(values) });
    for (const w of proposal.warnings) logger.warn(w);
    const failed = proposal.checks.filter((c) => c.ok === false);
    if (!proposal.verified) logger.warn(`the proposal is not verified: ${failed.map((c) => `${c.name}: ${c.detail}`).join('; ')}`);
    const out = {
      yaml: proposal.yaml,
      verified: proposal.verified,
      checks: proposal.checks,
      validation: proposal.validation,
      dryRun: proposal.dryRun,
      diff: proposal.diff,
      unintended: proposal.unintended,
      warnings: proposal.warnings,
      inputErrors,
    };
    if (format === 'json') writeJson(io, out);
    else {
      const lines = [
        proposal.yaml.trimEnd(),
        '',
        `verified: ${proposal.verified}`,
        ...proposal.checks.map((c) => `  ${c.ok === true ? 'ok     ' : c.ok === false ? 'FAILED ' : 'unknown'} ${c.name}: ${c.detail}`),
        ...proposal.diff.changes.map((c) => `  ${c.summary}`),
        ...proposal.unintended.map((c) => `  UNINTENDED: ${c.summary}`),
        ...proposal.warnings.map((w) => `  warning: ${w}`),
      ];
      io.stdout(`${renderInputErrors(inputErrors, values)}${lines.join('\n')}\n`);
    }
    // Fail closed: an unverified proposal never exits 0.
    return { status: proposal.verified ? 'ok' : 'findings' };
  },
};

