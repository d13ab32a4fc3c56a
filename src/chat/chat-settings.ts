// The chat's settings (config `chat`, flags `--chat-mode`, `--chat-max-steps`, `--chat-max-tokens`):
// how the model is used and the bounds of one turn. `auto` calls the tool catalog and falls back to
// schema-constrained intent extraction (the copilot's draft) when the model cannot use tools; `tools`
// never falls back; `draft` never offers tools (small models with weak function calling).
export type ChatModeSetting = 'auto' | 'tools' | 'draft';

export interface ChatSettings {
  readonly mode: ChatModeSetting;
  /** Model calls per turn at most. */
  readonly maxSteps: number;
  /** Prompt plus completion tokens per turn at most. */
  readonly maxTokens: number;
}

export const DEFAULT_CHAT_SETTINGS: ChatSettings = { mode: 'auto', maxSteps: 6, maxTokens: 24_000 };
