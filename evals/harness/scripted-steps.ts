// A task's scripted answers as steps of the scripted model peer (test/peers/model): how CI plays the
// reference answers (every verifier must pass them) and the wrong ones (every verifier must fail them).
import type { ScriptStep } from '../../test/peers/model/script-step.js';
import type { ScriptedAnswer } from './task-file.js';

export function scriptSteps(answers: readonly ScriptedAnswer[]): ScriptStep[] {
  return answers.map((answer, index): ScriptStep => {
    const label = `answer ${index + 1}`;
    if ('toolCalls' in answer) return { kind: 'tool-calls', label, calls: answer.toolCalls.map((c) => ({ name: c.name, arguments: c.arguments })), ...(answer.text !== undefined ? { content: answer.text } : {}) };
    if ('json' in answer) return { kind: 'json', label, value: answer.json };
    if ('raw' in answer) return { kind: 'raw-content', label, content: answer.raw };
    return { kind: 'text', label, text: answer.text };
  });
}
