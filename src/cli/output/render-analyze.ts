// Human text for a `gic analyze` report: one block per finding (level, code, resource, location, the
// message, the fix, the witness as a `gic check` command that runs as printed, on the same mesh, and
// where the code is documented), then a summary line.
import type { AnalyzeReport, ReportedFinding } from '../../policy/analyze/analyze-report.js';
import { shellCommand } from './shell-quote.js';

export interface AnalyzeRenderOptions {
  /** The mesh paths the analysis read (`--mesh` and positionals), repeated in witness commands. */
  readonly mesh?: readonly string[];
}

/** The `gic check` command that reproduces a witness on the analyzed mesh. */
function witnessCommand(f: ReportedFinding, mesh: readonly string[]): string | undefined {
  if (f.witness === undefined) return undefined;
  return shellCommand(['gic', 'check', ...mesh.flatMap((p) => ['--mesh', p]), '--request', JSON.stringify(f.witness.request)]);
}

export function renderAnalyzeReport(report: AnalyzeReport, options: AnalyzeRenderOptions = {}): string {
  const mesh = options.mesh ?? [];
  const lines: string[] = [];
  for (const f of report.findings) {
    const what = f.resource === null ? '' : ` ${f.resource.kind} ${f.resource.namespace}/${f.resource.name}`;
    lines.push(`${f.level.toUpperCase().padEnd(7)} ${f.code}${what}  ${f.source}${f.field === '' ? '' : ` ${f.field}`}`);
    lines.push(`  ${f.message}`);
    if (f.fix !== undefined) lines.push(`  fix: ${f.fix}`);
    const command = witnessCommand(f, mesh);
    if (f.witness !== undefined && command !== undefined) {
      lines.push(`  witness (${f.witness.decision}${f.witness.verified === false ? ', not checked' : ''}): ${f.witness.explanation}`);
      lines.push(`    ${command}`);
    }
    if (f.refs.length > 0) lines.push(`  refs: ${f.refs.join(', ')}`);
    if (f.docs !== undefined) lines.push(`  docs: ${f.docs}`);
    lines.push('');
  }
  const { errors, warnings, info } = report.summary;
  lines.push(`${errors > 0 ? 'FAIL' : 'OK'}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}, ${info} info`);
  return `${lines.join('\n')}\n`;
}
