// Human text for a `gic analyze` report: one block per finding (level, code, resource, location, the
// message, the fix and the witness as a ready-to-run `gic check` request), then a summary line.
import type { AnalyzeReport } from '../../policy/analyze/analyze-report.js';

export function renderAnalyzeReport(report: AnalyzeReport): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    const what = f.resource === null ? '' : ` ${f.resource.kind} ${f.resource.namespace}/${f.resource.name}`;
    lines.push(`${f.level.toUpperCase().padEnd(7)} ${f.code}${what}  ${f.source}${f.field === '' ? '' : ` ${f.field}`}`);
    lines.push(`  ${f.message}`);
    if (f.fix !== undefined) lines.push(`  fix: ${f.fix}`);
    if (f.witness !== undefined) {
      lines.push(`  witness (${f.witness.decision}): ${f.witness.explanation}`);
      lines.push(`    gic check --request '${JSON.stringify(f.witness.request)}'`);
    }
    if (f.refs.length > 0) lines.push(`  refs: ${f.refs.join(', ')}`);
    lines.push('');
  }
  const { errors, warnings, info } = report.summary;
  lines.push(`${errors > 0 ? 'FAIL' : 'OK'}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}, ${info} info`);
  return `${lines.join('\n')}\n`;
}
