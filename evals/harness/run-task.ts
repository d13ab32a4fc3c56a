// Runs one attempt of one task against a model: builds the task's copilot dependencies, calls the use
// case the input names (draft, explain, review, or the tool loop), lets the verifier judge the result and
// measures tokens, model calls, tool calls and latency. A use case that throws is a verdict too: a model
// failure gic reported clearly (`model-invalid-output`) is `caught`; anything else is `error`.
import { AppError } from '../../src/errors.js';
import { draftPolicy, type DraftResult } from '../../src/copilot/draft-policy.js';
import { explainAccess } from '../../src/copilot/explain-access.js';
import { reviewChange } from '../../src/copilot/review-change.js';
import type { ChatModel } from '../../src/model/chat-model.js';
import { evalDeps } from './eval-fixture.js';
import { MeteredModel, newMeter } from './metered-model.js';
import type { EvalTask } from './task-file.js';
import type { ToolLoop } from './tool-loop.js';
import { caught, errored, type Outcome, type Verdict } from './verdict.js';
import { verifyDraft } from './verify-draft.js';
import { verifyExplain, verifyReview } from './verify-explanation.js';
import { verifyToolUse } from './verify-tool-use.js';

export interface AttemptResult {
  readonly task: string;
  readonly attempt: number;
  readonly outcome: Outcome;
  readonly reason: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly modelCalls: number;
  readonly toolCalls: number;
  /** Wall time of the attempt (use case, engine and model). */
  readonly latencyMs: number;
  /** Of which waiting for the model. */
  readonly modelMs: number;
}

const CTX = { actor: 'user:eval', action: 'gic evals' };

function failureVerdict(error: unknown): Verdict {
  const message = error instanceof Error ? error.message : String(error);
  if (AppError.isInstance(error) && (error.code === 'model-invalid-output' || error.code === 'bad-request')) return caught(`${error.code}: ${message}`);
  return errored(AppError.isInstance(error) ? `${error.code}: ${message}` : message);
}

export interface RunTaskOptions {
  readonly attempt?: number;
  /** Builds the tool loop for tool-use tasks (the MCP tool catalog over the task's deps). */
  readonly toolLoop?: ToolLoop;
}

export async function runTask(task: EvalTask, model: ChatModel, options: RunTaskOptions = {}): Promise<AttemptResult> {
  const meter = newMeter();
  const metered = new MeteredModel(model, meter);
  const started = performance.now();
  let verdict: Verdict;
  const fixture = await evalDeps(task.fixture, metered).catch((error: unknown) => error as Error);
  if (fixture instanceof Error) {
    verdict = errored(`fixture: ${fixture.message}`);
  } else {
    const { deps } = fixture;
    try {
      const input = task.input;
      switch (input.kind) {
        case 'draft': {
          let result: DraftResult | undefined;
          for (const text of input.turns) result = await draftPolicy(deps, { text, ...(result !== undefined ? { conversation: result.conversation } : {}) }, CTX);
          verdict = await verifyDraft(result as DraftResult, task.expect, deps.mesh!.snapshot(), deps.store);
          break;
        }
        case 'explain':
          verdict = verifyExplain(await explainAccess(deps, { subject: input.subject, useModel: true }, CTX), task.expect);
          break;
        case 'review':
          verdict = verifyReview(await reviewChange(deps, { base: deps.mesh!.snapshot(), files: input.files, useModel: true, ...(input.commitMessage !== undefined ? { commitMessage: input.commitMessage } : {}) }, CTX), task.expect);
          break;
        case 'tool-use':
          if (options.toolLoop === undefined) verdict = errored('no tool catalog: tool-use tasks need the MCP tools (tools/)');
          else verdict = verifyToolUse(await options.toolLoop.run(deps, metered, input.text, input.maxSteps, input.tools), task.expect, input.maxSteps);
          break;
      }
    } catch (error) {
      verdict = failureVerdict(error);
    } finally {
      await fixture.close();
    }
  }
  return {
    task: task.id,
    attempt: options.attempt ?? 1,
    outcome: verdict.outcome,
    reason: verdict.reason,
    promptTokens: meter.promptTokens,
    completionTokens: meter.completionTokens,
    modelCalls: meter.calls,
    toolCalls: meter.toolCalls,
    latencyMs: Math.round(performance.now() - started),
    modelMs: Math.round(meter.modelMs),
  };
}
