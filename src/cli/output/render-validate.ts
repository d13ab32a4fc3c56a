// Human text for a `gic validate` report: one block per resource with problems, each problem with its
// level, field, line, rule and message, then a summary line. JSON output is the report itself.

interface ProblemView {
  readonly rule: string;
  readonly field?: string;
  readonly line?: number;
  readonly message: string;
}

interface ResourceView {
  readonly source: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly errors: readonly ProblemView[];
  readonly warnings: readonly ProblemView[];
}

/** The parts of the cli.md report shape this renderer reads. */
export interface ValidateReportView {
  readonly resources: readonly ResourceView[];
  readonly summary: { readonly resources: number; readonly errors: number; readonly warnings: number };
}

export function renderValidateReport(report: ValidateReportView): string {
  const lines: string[] = [];
  for (const resource of report.resources) {
    if (resource.errors.length === 0 && resource.warnings.length === 0) continue;
    const what = [resource.kind, [resource.namespace, resource.name].filter((p) => p !== undefined && p !== '').join('/')]
      .filter((p) => p !== undefined && p !== '')
      .join(' ');
    lines.push(`${resource.source}${what === '' ? '' : `  ${what}`}`);
    for (const problem of resource.errors) lines.push(renderProblem('error', problem));
    for (const problem of resource.warnings) lines.push(renderProblem('warning', problem));
  }
  const { summary } = report;
  if (lines.length > 0) lines.push('');
  lines.push(
    `${summary.errors > 0 ? 'FAIL' : 'OK'}: ${plural(summary.resources, 'resource')}, ${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}`,
  );
  return `${lines.join('\n')}\n`;
}

function renderProblem(level: 'error' | 'warning', problem: ProblemView): string {
  const where = [problem.field, problem.line !== undefined ? `line ${problem.line}` : undefined].filter((p) => p !== undefined && p !== '').join(', ');
  return `  ${level.padEnd(7)} ${where === '' ? '' : `${where}: `}${problem.message} [${problem.rule}]`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
