// The finish reason a server reports, mapped to gic's FinishReason. Pure. `function_call` is the legacy
// spelling of a tool call; anything unknown (or missing) is `other`, never `stop`.
import type { FinishReason } from './chat-model.js';

export function mapFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'stop':
    case 'length':
    case 'tool_calls':
    case 'content_filter':
      return reason;
    case 'function_call':
      return 'tool_calls';
    default:
      return 'other';
  }
}
