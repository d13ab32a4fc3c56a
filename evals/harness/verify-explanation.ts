// The verifier of an explain or review task: the engine's facts decide, the model's prose is checked
// against them. The decision (explain) or vote (review) must be the expected one (it never depends on the
// model: a mismatch is a broken fixture or engine, reported as an error); the model's text must have been
// used (it passed gic's grounding check: it names nothing the facts do not) and must mention the facts
// the task requires.
import type { ExplainResult } from '../../src/copilot/explain-access.js';
import type { ReviewResult } from '../../src/copilot/review-change.js';
import type { Expect } from './task-file.js';
import { caught, errored, escaped, firstFailure, missingMentions, pass, type Verdict } from './verdict.js';

function checkProse(text: string, by: 'model' | 'template', fallback: string | undefined, expect: Expect): Verdict[] {
  const verdicts: Verdict[] = [];
  if (expect.grounded === true && by !== 'model') verdicts.push(caught(`the model's text was not used: ${fallback ?? 'no reason given'}`));
  const missing = missingMentions(text, expect.mention);
  if (by === 'model' && missing.length > 0) verdicts.push(escaped(`grounded text leaves out: ${missing.join('; ')}`));
  verdicts.push(pass(by === 'model' ? 'grounded model text with every required fact' : 'template text'));
  return verdicts;
}

export function verifyExplain(result: ExplainResult, expect: Expect): Verdict {
  if (expect.decision !== undefined && result.decision?.decision !== expect.decision) {
    return errored(`fixture: the engine decides ${result.decision?.decision ?? '(no decision)'}, the task expects ${expect.decision}`);
  }
  return firstFailure(checkProse(result.text, result.by, result.fallback?.reason, expect));
}

export function verifyReview(result: ReviewResult, expect: Expect): Verdict {
  if (expect.vote !== undefined && result.vote !== expect.vote) return errored(`fixture: the engine votes ${result.vote}, the task expects ${expect.vote}`);
  const explanation = result.explanation;
  if (explanation === undefined) return expect.grounded === true ? caught('no explanation') : pass();
  return firstFailure(checkProse(explanation.text, explanation.by, explanation.fallback, expect));
}
