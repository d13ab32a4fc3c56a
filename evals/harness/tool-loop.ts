// The tool-use loop an eval runs: the model gets the person's question and the tool catalog, may call
// tools for up to `maxSteps` turns, and must end with a text answer. What a tool-use task is judged on is
// the transcript: which tools it called with which arguments, how many steps it took and what it said.
import type { CopilotDeps } from '../../src/copilot/deps.js';
import type { ChatModel } from '../../src/model/chat-model.js';

export interface ToolCallRecord {
  readonly name: string;
  readonly arguments: string;
  /** The tool existed, its arguments validated and its handler returned without error. */
  readonly ok: boolean;
  readonly error?: string;
}

export interface ToolTranscript {
  readonly calls: readonly ToolCallRecord[];
  /** Model turns used. */
  readonly steps: number;
  /** The model's final text ('' when it never answered in text within the steps). */
  readonly finalText: string;
}

export interface ToolLoop {
  /** `toolNames`: offer only these tools (the task's `input.tools`); default all. */
  run(deps: CopilotDeps, model: ChatModel, text: string, maxSteps: number, toolNames?: readonly string[]): Promise<ToolTranscript>;
}
