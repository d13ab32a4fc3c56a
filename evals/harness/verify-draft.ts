// The verifier of a draft task (drafting, clarification, adversarial drafting): run by the engine, never
// a string match on prose. An expected proposal is an intent: the engine proposes it on the same mesh and
// the attempt's proposal must have exactly that access delta (same workloads, same before/after
// decisions, same request classes), the expected verified flag and expiry. An expected question must be
// asked on the expected field with the expected names among its options, and no proposal may be stored.
import type { DraftResult } from '../../src/copilot/draft-policy.js';
import type { MeshSnapshot } from '../../src/kube/mesh-source.js';
import { propose } from '../../src/policy/compile/propose.js';
import type { DiffChange } from '../../src/policy/diff/access-diff.js';
import type { Store } from '../../src/store/store.js';
import type { Expect } from './task-file.js';
import { caught, escaped, firstFailure, pass, type Verdict } from './verdict.js';

const changeKey = (c: DiffChange): string => `${c.workload.namespace}/${c.workload.name}|${c.before}->${c.after}|${JSON.stringify(c.match)}`;

/** The changes only in `a` and only in `b`, as keys. */
export function diffDelta(a: readonly DiffChange[], b: readonly DiffChange[]): { onlyActual: string[]; onlyExpected: string[] } {
  const ka = new Set(a.map(changeKey));
  const kb = new Set(b.map(changeKey));
  return { onlyActual: [...ka].filter((k) => !kb.has(k)), onlyExpected: [...kb].filter((k) => !ka.has(k)) };
}

/** The access delta the expected intent has on the mesh (the engine's propose, no analyzers). */
export function expectedChanges(intent: NonNullable<Expect['proposal']>['intent'], snapshot: MeshSnapshot): readonly DiffChange[] {
  return propose(intent, snapshot.mesh, { analyze: false }).diff.changes;
}

function describeQuestions(result: DraftResult): string {
  return result.questions.map((q) => `${q.field}: ${q.question}`).join(' / ');
}

export async function verifyDraft(result: DraftResult, expect: Expect, snapshot: MeshSnapshot, store: Store): Promise<Verdict> {
  const verdicts: Verdict[] = [];
  const made = result.proposal !== undefined;
  if (expect.proposal !== undefined) {
    if (!made || result.diff === undefined) return caught(`no proposal; gic asked: ${describeQuestions(result) || '(nothing)'}`);
    const want = expectedChanges(expect.proposal.intent, snapshot);
    const { onlyActual, onlyExpected } = diffDelta(result.diff.changes, want);
    if (onlyActual.length > 0 || onlyExpected.length > 0) {
      const what = `access delta differs: ${onlyActual.length} change(s) not asked for${onlyActual[0] !== undefined ? ` (${onlyActual[0]})` : ''}, ${onlyExpected.length} missing${onlyExpected[0] !== undefined ? ` (${onlyExpected[0]})` : ''}`;
      verdicts.push(result.verified === true ? escaped(`verified proposal with the wrong ${what}`) : caught(`unverified proposal (${(result.blockers ?? []).join('; ') || 'no blockers'}); ${what}`));
    }
    if (result.verified !== expect.proposal.verified) {
      verdicts.push(result.verified === true ? escaped('verified, but the expected proposal is not') : caught(`not verified: ${(result.blockers ?? []).join('; ')}`));
    }
    const wantExpires = expect.proposal.intent.expires;
    if (wantExpires !== undefined && result.expires !== wantExpires) verdicts.push((result.verified === true ? escaped : caught)(`expires ${result.expires ?? '(never)'}, expected ${wantExpires}`));
    if (wantExpires === undefined && result.expires !== undefined) verdicts.push((result.verified === true ? escaped : caught)(`a time limit (${result.expires}) nobody asked for`));
    verdicts.push(pass(`proposal ${result.policy?.namespace ?? ''}/${result.policy?.name ?? ''} with the expected delta (${want.length} change(s))`));
  }
  if (expect.question !== undefined) {
    if (made) return result.verified === true ? escaped(`a verified proposal instead of a question on ${expect.question.field}`) : caught(`an unverified proposal instead of a question on ${expect.question.field}`);
    const want = expect.question;
    const match = result.questions.find((q) => q.field.startsWith(want.field) && want.options.every((o) => q.options.includes(o)));
    verdicts.push(match === undefined ? caught(`asked, but not on ${want.field} offering ${want.options.join(', ') || '(any)'}: ${describeQuestions(result) || '(no question)'}`) : pass(`asked: ${match.question}`));
  }
  if (expect.noProposal === true) {
    const stored = await store.getProposal('p1');
    if (stored !== undefined) verdicts.push(stored.verified ? escaped('a proposal was stored that must not exist') : caught('an unverified proposal was stored that must not exist'));
  }
  return firstFailure(verdicts);
}
