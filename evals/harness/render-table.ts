// The eval run as text tables: one row per task (pass@1, pass@k, outcomes, tokens, latency, tool calls,
// why it failed) and one row per suite. Pure: returns the text.
import type { SuiteSummary, TaskSummary } from './summarize.js';

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const pct = (value: number): string => `${(value * 100).toFixed(0)}%`;
const outcomes = (o: TaskSummary['outcomes']): string => `${o.pass}/${o.caught}/${o.escaped}/${o.error}`;

export function renderTaskTable(tasks: readonly TaskSummary[], k: number, reasonWidth = 90): string {
  return table(
    ['task', 'diff', 'pass@1', `pass@${k}`, 'p/c/e/err', 'prompt', 'compl', 'ms', 'tools', 'first failure (or result)'],
    tasks.map((t) => [t.task, t.difficulty, pct(t.passAt1), pct(t.passAtK), outcomes(t.outcomes), String(t.promptTokens), String(t.completionTokens), String(t.latencyMs), String(t.toolCalls), t.reason.length > reasonWidth ? `${t.reason.slice(0, reasonWidth - 1)}…` : t.reason]),
  );
}

export function renderSuiteTable(suites: readonly SuiteSummary[], k: number): string {
  return table(
    ['suite', 'tasks', 'pass@1', `pass@${k}`, 'pass', 'caught', 'escaped', 'error', 'prompt', 'compl', 'ms', 'tools'],
    suites.map((s) => [s.suite, String(s.tasks), pct(s.passAt1), pct(s.passAtK), String(s.outcomes.pass), String(s.outcomes.caught), String(s.outcomes.escaped), String(s.outcomes.error), String(s.promptTokens), String(s.completionTokens), String(s.latencyMs), String(s.toolCalls)]),
  );
}
