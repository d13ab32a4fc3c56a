// Finds the JSON value in a model's answer: small models wrap it in ```json fences, prefix it with prose
// ("Here is the intent:"), or double the braces of a template. Returns the parsed value or why none was
// found. Reasoning sections are stripped first. Pure; the one place in src/model that parses model JSON.
import { stripReasoning } from './strip-reasoning.js';

export type ExtractedJson = { readonly ok: true; readonly value: unknown; readonly text: string } | { readonly ok: false; readonly problem: string };

/** Parses the JSON object or array in `answer`; prefers the whole (de-fenced) answer, then the first balanced value. */
export function extractJson(answer: string): ExtractedJson {
  const text = unfence(stripReasoning(answer));
  if (text === '') return { ok: false, problem: 'the answer is empty' };
  const whole = tryParse(text);
  if (whole.ok) return whole;
  const start = text.search(/[[{]/);
  if (start < 0) return { ok: false, problem: `the answer holds no JSON object: ${whole.problem}` };
  const end = balancedEnd(text, start);
  if (end < 0) return { ok: false, problem: `the JSON in the answer is incomplete (unbalanced brackets from character ${start})` };
  const candidate = text.slice(start, end + 1);
  const inner = tryParse(candidate);
  if (inner.ok) return inner;
  const undoubled = undoubleBraces(candidate);
  if (undoubled !== candidate) {
    const retried = tryParse(undoubled);
    if (retried.ok) return retried;
  }
  return { ok: false, problem: `the answer is not valid JSON: ${inner.problem}` };
}

function tryParse(text: string): ExtractedJson {
  try {
    return { ok: true, value: JSON.parse(text) as unknown, text };
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error) };
  }
}

/** The content of the first ``` fence when the answer has one, else the answer trimmed. */
function unfence(text: string): string {
  const fenced = /```[\w-]*[^\S\n]*\n?([\s\S]*?)```/.exec(text);
  return (fenced?.[1] ?? text).trim();
}

/** Index of the bracket closing the one at `start`, skipping strings; -1 when it never closes. */
function balancedEnd(text: string, start: number): number {
  const stack: string[] = [];
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{') stack.push('}');
    else if (char === '[') stack.push(']');
    else if (char === '}' || char === ']') {
      if (stack.pop() !== char) return -1;
      if (stack.length === 0) return index;
    }
  }
  return -1;
}

/** `{{"a": 1}}` -> `{"a": 1}`: some small models copy a template's doubled braces. */
function undoubleBraces(text: string): string {
  return text.replaceAll('{{', '{').replaceAll('}}', '}');
}
