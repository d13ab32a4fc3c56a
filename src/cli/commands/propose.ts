// `gic propose --intent FILE [--mesh DIR]`: compile a structured intent into an AuthorizationPolicy
// and verify it (docs/cli.md): validation, dry-run (offline here), and the access diff between the
// mesh and the mesh plus the proposal, which must equal the intent. Prints {yaml, verified,
// validation, dryRun, diff, unintended}. An unverified proposal is a result (exit 0), not a failure;
// an intent file that is not a valid intent is a bad request (exit 2).
import { AppError } from '../../errors.js';
import type { Command } from '../command.js';
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
    mesh: { type: 'string', multiple: true, valueName: 'PATH', description: 'mesh file or directory (read recursively); default: an empty mesh' },
  },
  formats: ['human', 'json'],
  async run({ values, format, io, logger }) {
    const intentFile = values['intent'];
    if (typeof intentFile !== 'string') throw new AppError('usage', 'give the intent with --intent FILE');
    const text = await readText(intentFile);
    const sources = await readSources(stringList(values['mesh']));
    const [{ IntentSchema }, { propose }, { parseMesh }] = await Promise.all([
      import('../../policy/compile/intent.js'),
      import('../../policy/compile/propose.js'),
      import('../../policy/parse/parse-mesh.js'),
    ]);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new AppError('bad-request', `intent file ${intentFile} is not JSON: ${(error as Error).message}`);
    }
    const parsed = IntentSchema.safeParse(raw);
    if (!parsed.success) throw new AppError('bad-request', `intent file ${intentFile} is not a valid intent: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const { mesh, findings } = parseMesh(sources);
    for (const finding of findings) {
      const { level, ...rest } = finding;
      logger.warn(`mesh input ${level}: ${finding.message}`, { ...rest, severity: level });
    }
    const proposal = propose(parsed.data, mesh);
    for (const w of proposal.warnings) logger.warn(w);
    const out = { yaml: proposal.yaml, verified: proposal.verified, validation: proposal.validation, dryRun: proposal.dryRun, diff: proposal.diff, unintended: proposal.unintended, warnings: proposal.warnings };
    if (format === 'json') writeJson(io, out);
    else {
      const lines = [proposal.yaml, `verified: ${proposal.verified}`, ...proposal.diff.changes.map((c) => `  ${c.summary}`), ...proposal.unintended.map((c) => `  UNINTENDED: ${c.summary}`), ...proposal.warnings.map((w) => `  warning: ${w}`)];
      io.stdout(`${lines.join('\n')}\n`);
    }
    return { status: 'ok' };
  },
};
