// Per task and per suite figures from the attempts: pass@1 and pass@k, outcomes (pass, caught, escaped,
// error), mean prompt and completion tokens, latency and tool calls. Pure.
import { passAtK } from './pass-at-k.js';
import type { AttemptResult } from './run-task.js';
import type { EvalTask, SuiteName } from './task-file.js';
import type { Outcome } from './verdict.js';

/** The figures a task and a suite both report (a suite's are the means over its tasks). */
interface Figures {
  readonly passAt1: number;
  readonly passAtK: number;
  readonly outcomes: Readonly<Record<Outcome, number>>;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly latencyMs: number;
  readonly toolCalls: number;
}

export interface TaskSummary extends Figures {
  readonly task: string;
  readonly suite: SuiteName;
  readonly difficulty: string;
  readonly attempts: number;
  readonly passed: number;
  /** The reason of the first failed attempt (or of the last pass). */
  readonly reason: string;
}

export interface SuiteSummary extends Figures {
  readonly suite: SuiteName;
  readonly tasks: number;
}

const mean = (values: readonly number[]): number => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);
const round = (value: number, digits = 3): number => Number(value.toFixed(digits));
const emptyOutcomes = (): Record<Outcome, number> => ({ pass: 0, caught: 0, escaped: 0, error: 0 });

export function summarizeTask(task: EvalTask, attempts: readonly AttemptResult[], k: number): TaskSummary {
  const outcomes = emptyOutcomes();
  for (const a of attempts) outcomes[a.outcome]++;
  const passed = outcomes.pass;
  const n = attempts.length;
  const firstFail = attempts.find((a) => a.outcome !== 'pass') ?? attempts.at(-1);
  return {
    task: task.id,
    suite: task.suite,
    difficulty: task.difficulty,
    attempts: n,
    passed,
    passAt1: n === 0 ? 0 : round(passAtK(n, passed, 1)),
    passAtK: n === 0 ? 0 : round(passAtK(n, passed, Math.min(k, n))),
    outcomes,
    promptTokens: Math.round(mean(attempts.map((a) => a.promptTokens))),
    completionTokens: Math.round(mean(attempts.map((a) => a.completionTokens))),
    latencyMs: Math.round(mean(attempts.map((a) => a.latencyMs))),
    toolCalls: round(mean(attempts.map((a) => a.toolCalls)), 2),
    reason: firstFail?.reason ?? '',
  };
}

export function summarizeSuite(suite: SuiteName, tasks: readonly TaskSummary[]): SuiteSummary {
  const outcomes = emptyOutcomes();
  for (const t of tasks) for (const [o, n] of Object.entries(t.outcomes)) outcomes[o as Outcome] += n;
  return {
    suite,
    tasks: tasks.length,
    passAt1: round(mean(tasks.map((t) => t.passAt1))),
    passAtK: round(mean(tasks.map((t) => t.passAtK))),
    outcomes,
    promptTokens: Math.round(mean(tasks.map((t) => t.promptTokens))),
    completionTokens: Math.round(mean(tasks.map((t) => t.completionTokens))),
    latencyMs: Math.round(mean(tasks.map((t) => t.latencyMs))),
    toolCalls: round(mean(tasks.map((t) => t.toolCalls)), 2),
  };
}
