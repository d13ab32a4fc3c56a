// The verdict of one eval attempt. `pass`: the verifier accepted it. A failure is `caught` when gic's
// own checks stopped the model's mistake before it could mislead anyone (a clarifying question, an
// unverified proposal, a template fallback for ungrounded prose, an answer rejected as invalid), and
// `escaped` when a wrong result got through them (a verified proposal with another access delta, a
// grounded text that leaves out what it had to say, a wrong or forbidden tool call). `error`: the
// attempt could not run (model unreachable, timeout, a broken fixture).

export type Outcome = 'pass' | 'caught' | 'escaped' | 'error';

export interface Verdict {
  readonly outcome: Outcome;
  /** One line: why it failed (or what passed). */
  readonly reason: string;
}

export const pass = (reason = 'as expected'): Verdict => ({ outcome: 'pass', reason });
export const caught = (reason: string): Verdict => ({ outcome: 'caught', reason });
export const escaped = (reason: string): Verdict => ({ outcome: 'escaped', reason });
export const errored = (reason: string): Verdict => ({ outcome: 'error', reason });

/** The first non-passing verdict, or the last one (a pass) when all pass. */
export function firstFailure(verdicts: readonly Verdict[]): Verdict {
  return verdicts.find((v) => v.outcome !== 'pass') ?? verdicts.at(-1) ?? pass();
}

/** Checks that `text` contains one alternative of every required mention (case-insensitive). */
export function missingMentions(text: string, mention: readonly (string | readonly string[])[]): string[] {
  const lower = text.toLowerCase();
  return mention.map((m) => (typeof m === 'string' ? [m] : m)).filter((alts) => !alts.some((a) => lower.includes(a.toLowerCase()))).map((alts) => alts.join(' | '));
}
