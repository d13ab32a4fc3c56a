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
import { jsonDepthExceeds } from '../../policy/request/read-request-text.js';
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
    const text = await readText(intentFile, { maxBytes: MAX_INTENT_BYTES, what: `intent file ${intentFile}` });
    const sources = await readSources(stringList(values['mesh']), { warn: (m, f) => logger.warn(m, f) });
    const [{ IntentSchema }, { propose }, { readMeshInput }] = await Promise.all([
      import('../../policy/compile/intent.js'),
      import('../../policy/compile/propose.js'),
      import('../../policy/validate/read-mesh-input.js'),
    ]);
    const reading = readRequestJson(text);
    if (!reading.ok) throw new AppError('bad-request', `intent file ${intentFile} is not JSON: ${reading.message}`);
    const parsed = IntentSchema.safeParse(reading.value);
    if (!parsed.success) throw new AppError('bad-request', `intent file ${intentFile} is not a valid intent: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const { mesh, findings, inputErrors } = readMeshInput(sources);
    for (const finding of findings) {
      if (finding.level !== 'warning') continue;
      const { level, ...rest } = finding;
      logger.warn(`mesh input ${level}: ${finding.message}`, { ...rest, severity: level });
    }
    logInputErrors(logger, inputErrors, values);
    const proposal = propose(parsed.data, mesh, { sources, inputErrors, acceptInputErrors: allowsInputErrors(values) });
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

/** An intent is a few hundred bytes; a larger file is refused before it is parsed. */
const MAX_INTENT_BYTES = 1024 * 1024;
const MAX_INTENT_DEPTH = 32;

/** JSON text -> value, or the parser's reason; nesting is bounded before anything is built. */
function readRequestJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  if (jsonDepthExceeds(text, MAX_INTENT_DEPTH)) return { ok: false, message: `nested deeper than ${MAX_INTENT_DEPTH} levels` };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
