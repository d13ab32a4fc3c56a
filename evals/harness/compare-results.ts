// Compares two eval result files (a baseline and a candidate): per suite the change in pass@1 and
// pass@k over the tasks both files ran (a partial run is compared on what it measured), and per task
// the regressions (pass@1 went down) and improvements. Tasks in only one file are listed, never
// silently dropped. Pure: returns values and text.
import type { ResultFile } from './result-file.js';

export interface TaskChange {
  readonly task: string;
  readonly before: number;
  readonly after: number;
  /** The candidate's reason (why it fails now). */
  readonly reason: string;
}

export interface Comparison {
  /** Per suite, over the tasks both files ran (`common`). */
  readonly suites: readonly { readonly suite: string; readonly common: number; readonly before?: number; readonly after?: number; readonly delta?: number; readonly beforeK?: number; readonly afterK?: number }[];
  readonly regressions: readonly TaskChange[];
  readonly improvements: readonly TaskChange[];
  readonly onlyBefore: readonly string[];
  readonly onlyAfter: readonly string[];
}

const round = (v: number): number => Number(v.toFixed(3));

const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

export function compareResults(before: ResultFile, after: ResultFile): Comparison {
  const suiteNames = [...new Set([...before.suites.map((s) => s.suite), ...after.suites.map((s) => s.suite)])];
  const afterByTask = new Map(after.tasks.map((t) => [t.task, t]));
  const suites = suiteNames.map((suite) => {
    const pairs = before.tasks.filter((t) => t.suite === suite && afterByTask.has(t.task)).map((b) => [b, afterByTask.get(b.task)!] as const);
    if (pairs.length === 0) return { suite, common: 0 };
    const b = round(mean(pairs.map(([x]) => x.passAt1)));
    const a = round(mean(pairs.map(([, y]) => y.passAt1)));
    return { suite, common: pairs.length, before: b, after: a, delta: round(a - b), beforeK: round(mean(pairs.map(([x]) => x.passAtK))), afterK: round(mean(pairs.map(([, y]) => y.passAtK))) };
  });
  const beforeTasks = new Map(before.tasks.map((t) => [t.task, t]));
  const afterTasks = new Map(after.tasks.map((t) => [t.task, t]));
  const regressions: TaskChange[] = [];
  const improvements: TaskChange[] = [];
  for (const [task, a] of afterTasks) {
    const b = beforeTasks.get(task);
    if (b === undefined) continue;
    const change = { task, before: b.passAt1, after: a.passAt1, reason: a.reason };
    if (a.passAt1 < b.passAt1) regressions.push(change);
    else if (a.passAt1 > b.passAt1) improvements.push(change);
  }
  return {
    suites,
    regressions,
    improvements,
    onlyBefore: [...beforeTasks.keys()].filter((t) => !afterTasks.has(t)),
    onlyAfter: [...afterTasks.keys()].filter((t) => !beforeTasks.has(t)),
  };
}

const pct = (v: number | undefined): string => (v === undefined ? '-' : `${(v * 100).toFixed(0)}%`);

export function renderComparison(c: Comparison, beforeLabel: string, afterLabel: string): string {
  const lines = [`baseline: ${beforeLabel}`, `candidate: ${afterLabel}`, '', 'suite           common  pass@1 before  after  delta   pass@k before  after'];
  for (const s of c.suites) {
    const delta = s.delta === undefined ? '-' : `${s.delta >= 0 ? '+' : ''}${(s.delta * 100).toFixed(0)}pp`;
    lines.push(`${s.suite.padEnd(16)}${String(s.common).padStart(6)}${pct(s.before).padStart(15)}${pct(s.after).padStart(7)}${delta.padStart(7)}${pct(s.beforeK).padStart(16)}${pct(s.afterK).padStart(7)}`);
  }
  lines.push('', `regressions (${c.regressions.length}):`);
  for (const r of c.regressions) lines.push(`  ${r.task}: ${pct(r.before)} -> ${pct(r.after)}  ${r.reason}`);
  lines.push(`improvements (${c.improvements.length}):`);
  for (const r of c.improvements) lines.push(`  ${r.task}: ${pct(r.before)} -> ${pct(r.after)}`);
  if (c.onlyBefore.length > 0) lines.push(`only in the baseline: ${c.onlyBefore.join(', ')}`);
  if (c.onlyAfter.length > 0) lines.push(`only in the candidate: ${c.onlyAfter.join(', ')}`);
  return lines.join('\n');
}
