// Runs tasks against one model, each `repeat` times, and builds the run's result: per task and per suite
// pass@1 / pass@k, outcomes, tokens, latency and tool calls. Tasks run one after another (a local model
// serves one sequence at a time); `onProgress` gets the result so far after every task, so a long run
// that is stopped keeps what it measured.
import { VERSION } from '../../src/cli/version.js';
import { PROMPTS } from '../../src/copilot/prompt-catalog.js';
import type { ChatModel } from '../../src/model/chat-model.js';
import type { EvalRunResult } from './result-file.js';
import { type AttemptResult, runTask } from './run-task.js';
import { summarizeSuite, summarizeTask, type TaskSummary } from './summarize.js';
import { type EvalTask, SUITES } from './task-file.js';
import type { ToolLoop } from './tool-loop.js';

export interface RunSuitesOptions {
  readonly repeat: number;
  readonly toolLoop?: ToolLoop;
  readonly now?: () => Date;
  readonly notes?: string;
  readonly label?: string;
  readonly onAttempt?: (attempt: AttemptResult) => void;
  readonly onProgress?: (partial: EvalRunResult) => Promise<void> | void;
}

/** The prompt ids and versions in use, e.g. `draft-intent.v1`. */
export function promptVersions(): string[] {
  return Object.values(PROMPTS).map((p) => `${p.id}.v${p.version}`).sort();
}

export async function runSuites(tasks: readonly EvalTask[], model: ChatModel, options: RunSuitesOptions): Promise<EvalRunResult> {
  const date = (options.now ?? (() => new Date()))().toISOString();
  const attempts: AttemptResult[] = [];
  const summaries: TaskSummary[] = [];
  const build = (): EvalRunResult => {
    const suites = SUITES.filter((s) => tasks.some((t) => t.suite === s)).map((s) => summarizeSuite(s, summaries.filter((t) => t.suite === s)));
    return {
      gicVersion: VERSION,
      model: model.model,
      endpoint: hostOf(model.endpoint),
      date,
      repeat: options.repeat,
      prompts: promptVersions(),
      ...(options.notes !== undefined ? { notes: options.notes } : {}),
      ...(options.label !== undefined ? { label: options.label } : {}),
      suites,
      tasks: summaries,
      attempts,
    };
  };
  for (const task of tasks) {
    const mine: AttemptResult[] = [];
    for (let attempt = 1; attempt <= options.repeat; attempt++) {
      const result = await runTask(task, model, { attempt, ...(options.toolLoop !== undefined ? { toolLoop: options.toolLoop } : {}) });
      mine.push(result);
      attempts.push(result);
      options.onAttempt?.(result);
    }
    summaries.push(summarizeTask(task, mine, options.repeat));
    await options.onProgress?.(build());
  }
  return build();
}

function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint.replace(/^[a-z]+:\/\//, '').split('/')[0] ?? '';
  }
}
