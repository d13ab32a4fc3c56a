// Removes a reasoning model's thinking from its answer: `<think>...</think>` sections (Qwen3, DeepSeek R1,
// QwQ) wherever they appear, and an unterminated `<think>` that runs to the end (a model cut off while
// thinking). `reasoning_content` fields never reach the answer in the first place (the client drops them).
// Also an incremental filter for streamed text, so `onText` never shows thinking. Pure.

const OPEN = '<think>';
const CLOSE = '</think>';

/** The answer without its reasoning sections, trimmed. */
export function stripReasoning(text: string): string {
  const filter = new ReasoningFilter();
  return (filter.push(text) + filter.end()).trim();
}

/**
 * Streaming version of stripReasoning: `push` each delta and get back the text that is safe to show
 * (a partial tag at the end of a delta is held back until the next delta decides it); `end` flushes.
 */
export class ReasoningFilter {
  private inside = false;
  private pending = '';

  push(delta: string): string {
    let text = this.pending + delta;
    this.pending = '';
    let out = '';
    for (;;) {
      const tag = this.inside ? CLOSE : OPEN;
      const at = text.indexOf(tag);
      if (at >= 0) {
        if (!this.inside) out += text.slice(0, at);
        text = text.slice(at + tag.length);
        this.inside = !this.inside;
        continue;
      }
      const held = partialTagSuffix(text, tag);
      if (!this.inside) out += text.slice(0, text.length - held);
      this.pending = text.slice(text.length - held);
      return out;
    }
  }

  /** Text held back at the end (a partial tag that never completed); nothing when inside reasoning. */
  end(): string {
    const rest = this.inside ? '' : this.pending;
    this.pending = '';
    return rest;
  }
}

/** Length of the longest suffix of `text` that is a proper prefix of `tag`. */
function partialTagSuffix(text: string, tag: string): number {
  for (let length = Math.min(tag.length - 1, text.length); length > 0; length--) {
    if (text.endsWith(tag.slice(0, length))) return length;
  }
  return 0;
}
