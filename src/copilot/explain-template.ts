// The template text of `explain`: plain sentences built only from the engine's facts, used when no
// model is configured or when the model's text fails the grounding check. Deterministic.
import type { ReportedFinding } from '../policy/analyze/analyze-report.js';
import type { ExplainSubject } from './explain-subject.js';
import type { FactSet } from './explain-facts.js';

const VERB: Readonly<Record<string, string>> = {
  ALLOW: 'is allowed (ALLOW)',
  DENY: 'is denied (DENY)',
  UNAUTHENTICATED: 'is rejected as unauthenticated (UNAUTHENTICATED, HTTP 401)',
  CONDITIONAL: 'is decided by an external authorizer (CONDITIONAL)',
};

function sentence(text: string): string {
  const t = text.trim();
  if (t === '') return '';
  // `mTLS`, `iOS`: a word whose second letter is upper case keeps its first letter as it is.
  const capital = /^[a-z][A-Z]/.test(t) ? t : t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

function findingSentence(findings: readonly ReportedFinding[]): string {
  if (findings.length === 0) return 'The analyzers report no problem with the policies involved.';
  const byLevel = (level: string): number => findings.filter((f) => f.level === level).length;
  const head = `The analyzers report ${findings.length} finding(s) (${byLevel('error')} error, ${byLevel('warning')} warning, ${byLevel('info')} info)`;
  const first = findings.slice(0, 3).map((f) => `${f.code} at ${f.source}: ${f.message}`);
  return `${head}: ${first.join('; ')}${findings.length > 3 ? '; ...' : ''}.`;
}

export function explainTemplateText(subject: ExplainSubject, set: FactSet, findings: readonly ReportedFinding[]): string {
  const parts: string[] = [];
  if (subject.kind === 'request' && set.decision !== undefined) {
    const d = set.decision;
    const to = subject.request.to;
    parts.push(`The request to ${to.namespace}/${to.workload ?? '(ad-hoc workload)'}${to.port !== undefined ? ` port ${to.port}` : ''} ${VERB[d.decision] ?? d.decision}.`);
    for (const f of set.facts.filter((x) => x.kind === 'reason')) parts.push(sentence(`${f.text}${f.source !== undefined ? ` (${f.source})` : ''}`));
    for (const f of set.facts.filter((x) => x.kind === 'rule')) parts.push(sentence(`the deciding ${f.text}`));
  } else {
    for (const f of set.facts.filter((x) => x.kind !== 'trace')) {
      const where = f.source !== undefined && (f.kind === 'policy' || f.kind === 'workload') ? ` (${f.source})` : '';
      // The source goes before the sentence's full stop, and after the first sentence of a longer fact.
      const [first, ...rest] = f.text.split(/(?<=\.) /);
      parts.push(sentence(`${(first ?? '').replace(/\.$/, '')}${where}`), ...rest.map(sentence));
    }
  }
  parts.push(findingSentence(findings));
  return parts.filter((p) => p !== '').join(' ');
}
