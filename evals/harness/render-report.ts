// `npm run evals -- report FILE...`: the suite figures of several result files side by side as one
// Markdown table (model, label, suite, tasks, pass@1, and how the failures ended: caught by gic or
// escaped), for READMEs and notes. Pure: returns the text.
import type { ResultFile } from './result-file.js';

export function renderReport(files: readonly { readonly path: string; readonly result: ResultFile }[]): string {
  const lines = ['| model | run | suite | tasks | pass@1 | pass | caught | escaped | error |', '|---|---|---|---:|---:|---:|---:|---:|---:|'];
  for (const { path, result } of files) {
    const label = typeof result['label'] === 'string' ? result['label'] : path.split('/').at(-1)?.replace(/\.json$/, '') ?? path;
    for (const s of result.suites) {
      lines.push(`| ${result.model} | ${label} | ${s.suite} | ${s.tasks} | ${(s.passAt1 * 100).toFixed(0)}% | ${s.outcomes.pass} | ${s.outcomes.caught} | ${s.outcomes.escaped} | ${s.outcomes.error} |`);
    }
  }
  return lines.join('\n');
}
