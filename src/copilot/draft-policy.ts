// Use case `draft` (docs/cli.md `gic draft`, MCP `policy_draft`, the chat page): natural language ->
// a structured intent through the model's structured output -> propose. When the request is ambiguous
// or names a group, workload or namespace that does not exist, it asks clarifying questions (with the
// closest existing names) instead of guessing; a conversation continues with its id. Time-bound
// grants ("until Friday", "for 2 hours") become `expires`, resolved against the injected clock.
import { AppError } from '../errors.js';
import type { Intent } from '../policy/compile/intent.js';
import type { CallContext, CopilotDeps } from './deps.js';
import type { ProposeResult } from './propose-policy.js';

export interface DraftInput {
  /** The person's request, or their answer to the questions of `conversation`. Untrusted. */
  readonly text: string;
  /** Continue this conversation (the id a previous draft returned). */
  readonly conversation?: string;
}

/** A clarifying question, with the existing names that would answer it. */
export interface DraftQuestion {
  /** The intent field it is about, e.g. `target.workload`, `subjects[0].gerritGroup`, `expires`. */
  readonly field: string;
  readonly question: string;
  /** Closest existing names (or choices), best first. */
  readonly options: readonly string[];
}

/** The propose shape (when a proposal was made), plus the intent, questions and conversation. */
export type DraftResult = Partial<ProposeResult> & {
  /** The intent drafted so far (null when none could be formed). */
  readonly intent: Intent | null;
  /** Non-empty when the request is ambiguous or names something that does not exist; then no proposal. */
  readonly questions: readonly DraftQuestion[];
  /** Answer with `--conversation ID "answer"`. */
  readonly conversation: string;
};

export function draftPolicy(_deps: CopilotDeps, _input: DraftInput, _ctx: CallContext): Promise<DraftResult> {
  return Promise.reject(new AppError('internal', 'draft: not implemented yet'));
}
