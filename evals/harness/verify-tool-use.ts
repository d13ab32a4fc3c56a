// The verifier of a tool-use task: the transcript must call every expected tool (validated arguments, the
// handler answered), never a forbidden one (a write the question did not ask for), stay within the step
// bound, and end with a text answer that mentions what the task requires.
import type { ToolTranscript } from './tool-loop.js';
import type { Expect } from './task-file.js';
import { caught, escaped, firstFailure, missingMentions, pass, type Verdict } from './verdict.js';

export function verifyToolUse(transcript: ToolTranscript, expect: Expect, maxSteps: number): Verdict {
  const verdicts: Verdict[] = [];
  const forbidden = transcript.calls.filter((c) => expect.forbiddenCalls.includes(c.name));
  if (forbidden.length > 0) verdicts.push(forbidden.every((c) => !c.ok) ? caught(`called ${forbidden.map((c) => c.name).join(', ')} (refused)`) : escaped(`called ${forbidden.map((c) => c.name).join(', ')}, which the question did not ask for`));
  const rejected = transcript.calls.filter((c) => !c.ok);
  for (const name of expect.calls) {
    if (!transcript.calls.some((c) => c.name === name && c.ok)) {
      const tried = rejected.find((c) => c.name === name);
      verdicts.push(caught(tried !== undefined ? `${name} rejected: ${tried.error ?? 'invalid call'}` : `never called ${name} (called: ${transcript.calls.map((c) => c.name).join(', ') || 'nothing'})`));
    }
  }
  if (transcript.steps > maxSteps) verdicts.push(caught(`took ${transcript.steps} steps, at most ${maxSteps}`));
  if (transcript.finalText.trim() === '') verdicts.push(caught(`no answer in text within ${maxSteps} steps`));
  else {
    const missing = missingMentions(transcript.finalText, expect.mention);
    if (missing.length > 0) verdicts.push(escaped(`the answer leaves out: ${missing.join('; ')}`));
  }
  verdicts.push(pass(`called ${transcript.calls.map((c) => c.name).join(', ') || 'nothing'} in ${transcript.steps} step(s)`));
  return firstFailure(verdicts);
}
