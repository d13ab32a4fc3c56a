// `gic diff --before DIR --after DIR`: who gains or loses access between two meshes (docs/cli.md
// "gic diff"): every class of requests whose decision differs, as a `match`, a witness request and a
// reviewer's sentence. Differences are results, not failures: exit 0. Input errors of either mesh are
// listed under `inputErrors` (and lead the human output) and exit 3 unless `--allow-input-errors`.
import { AppError } from '../../errors.js';
import type { InputError } from '../../policy/parse/input-errors.js';
import type { Command } from '../command.js';
import { INPUT_ERROR_OPTIONS, inputErrorStatus, logInputErrors, renderInputErrors } from '../input-errors-gate.js';
import { writeJson } from '../output/write-json.js';
import { readSources } from '../read-sources.js';

function stringList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

export const diffCommand: Command = {
  name: 'diff',
  description: 'list exactly which requests gain or lose access between two meshes, with witness requests',
  usage: 'gic diff --before PATH [--before PATH...] --after PATH [--after PATH...] [-o human|json]',
  examples: ['gic diff --before main/policies --after change/policies -o json'],
  options: {
    before: { type: 'string', multiple: true, valueName: 'PATH', description: 'the mesh before the change (file or directory, read recursively)' },
    after: { type: 'string', multiple: true, valueName: 'PATH', description: 'the mesh after the change (file or directory, read recursively)' },
    ...INPUT_ERROR_OPTIONS,
  },
  formats: ['human', 'json'],
  async run({ values, format, io, logger }) {
    const beforePaths = stringList(values['before']);
    const afterPaths = stringList(values['after']);
    if (beforePaths.length === 0 || afterPaths.length === 0) throw new AppError('usage', 'give both meshes: --before PATH and --after PATH');
    const warn = (m: string, f?: Readonly<Record<string, unknown>>): void => logger.warn(m, f);
    const [beforeSources, afterSources] = [await readSources(beforePaths, { warn }), await readSources(afterPaths, { warn })];
    const { readMeshInput } = await import('../../policy/validate/read-mesh-input.js');
    const before = readMeshInput(beforeSources);
    const after = readMeshInput(afterSources);
    for (const [side, findings] of [['before', before.findings], ['after', after.findings]] as const) {
      for (const finding of findings) {
        if (finding.level !== 'warning') continue;
        const { level, ...rest } = finding;
        logger.warn(`${side} mesh input ${level}: ${finding.message}`, { ...rest, severity: level });
      }
    }
    const inputErrors = uniqueErrors([...before.inputErrors, ...after.inputErrors]);
    logInputErrors(logger, inputErrors, values, 'the meshes');
    // Worker threads diff the workload classes of a large diff (src/parallel).
    const { diffMeshesInParallel } = await import('../../parallel/parallel-diff.js');
    const report = await diffMeshesInParallel(before.mesh, after.mesh);
    if (format === 'json') writeJson(io, { ...report, inputErrors });
    else {
      const { granted, revoked, changed } = report.summary;
      const lines = report.changes.map((c) => `${c.before} -> ${c.after}  ${c.summary}`);
      io.stdout(`${renderInputErrors(inputErrors, values)}${lines.length === 0 ? 'no request changes its decision' : lines.join('\n')}\n\n${granted} granted, ${revoked} revoked, ${changed} changed\n`);
    }
    return { status: inputErrorStatus(inputErrors, values) };
  },
};

/** The same file given to both sides reports its errors once. */
function uniqueErrors(errors: readonly InputError[]): InputError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.file}\0${e.line}\0${e.field}\0${e.rule}\0${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
