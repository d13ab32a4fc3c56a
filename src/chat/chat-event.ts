// What one chat turn reports while it runs (the page's server-sent events, `gic chat`'s terminal
// output): the model's text as it streams, each tool call and its outcome, the copilot's progress,
// clarifying questions, the proposal made, the final answer, or the error that ended the turn. Plain
// JSON values: every text in them (model output, Gerrit text quoted by a tool) is untrusted and is
// rendered as text by every front-end, never as HTML or terminal control sequences.
import type { DraftQuestion } from '../copilot/draft-question.js';
import type { ProposalView } from './proposal-view.js';

/** How the turn was answered: the model calling the tool catalog, or schema-constrained intent extraction. */
export type ChatMode = 'tools' | 'draft';

export type ChatEvent =
  | { readonly type: 'turn'; readonly conversation: string; readonly mode: ChatMode }
  | { readonly type: 'text'; readonly delta: string }
  | { readonly type: 'progress'; readonly stage: string; readonly message: string }
  | { readonly type: 'tool'; readonly id: string; readonly name: string; readonly status: 'call' | 'ok' | 'error'; readonly text: string }
  | { readonly type: 'questions'; readonly questions: readonly DraftQuestion[] }
  | { readonly type: 'proposal'; readonly proposal: ProposalView }
  | { readonly type: 'fallback'; readonly reason: string }
  | { readonly type: 'answer'; readonly text: string; readonly mode: ChatMode; readonly steps: number; readonly usage: { readonly promptTokens: number; readonly completionTokens: number } }
  | { readonly type: 'error'; readonly code: string; readonly message: string };

export type ChatEmit = (event: ChatEvent) => void;
