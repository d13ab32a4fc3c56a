// Use case `explain` (docs/cli.md `gic explain`, MCP `policy_explain`): why a request gets its
// decision, what a policy does, or what protects a workload. The facts come from the engine
// (explain-facts.ts) plus the analyzers' findings on the policies and workloads concerned; `text` is
// template prose built from those facts, or the model's rephrasing of them when a model is configured
// and its answer passes the grounding check (ground-prose.ts). A model that fails, or names anything
// the facts do not, is reported in `fallback` and never changes a fact or the decision.
import { AppError } from '../errors.js';
import type { ReportedFinding } from '../policy/analyze/analyze-report.js';
import { type AccessRequest, AccessRequestSchema } from '../policy/evaluate/access-request.js';
import type { ChatMessage } from '../model/chat-model.js';
import type { Decision } from '../policy/evaluate/decision.js';
import { auditedCall, type ModelUses } from './audit-call.js';
import { callStages } from './call-stages.js';
import { closestNames } from './closest-names.js';
import { compiledMeshOf } from './compiled-mesh-cache.js';
import type { CallContext, CopilotDeps } from './deps.js';
import { type Fact, type FactSet, findingFacts, policyFacts, requestFacts, workloadFacts } from './explain-facts.js';
import type { ExplainSubject } from './explain-subject.js';
import { explainTemplateText } from './explain-template.js';
import { analyzeFocused } from './focused-analysis.js';
import { checkGrounding } from './ground-prose.js';
import type { InputError } from './input-errors.js';
import { knownNames } from './known-names.js';
import { getPrompt, PROMPTS } from './prompt-catalog.js';
import { renderPrompt } from './prompt-template.js';
import { requireMesh } from './require-deps.js';
import { sanitizeUntrusted } from './untrusted-text.js';

export type ExplainSubjectInput = { readonly request: unknown } | { readonly policy: string } | { readonly workload: string };

export interface ExplainInput {
  readonly subject: ExplainSubjectInput;
  /** Let the model phrase the text (default: when a model is configured). */
  readonly useModel?: boolean;
}

export type { ExplainSubject } from './explain-subject.js';

export interface ExplainResult {
  readonly subject: ExplainSubject;
  readonly facts: readonly Fact[];
  /** Says only what `facts` support. */
  readonly text: string;
  readonly by: 'model' | 'template';
  /** Findings (the `gic analyze` shape) on the policies and workloads the facts concern. */
  readonly findings: readonly ReportedFinding[];
  /** For a request: the engine's decision (the `gic check` shape). */
  readonly decision?: Decision;
  readonly inputErrors: readonly InputError[];
  /** Why a model's text was not used (model failed, or named something the facts do not). */
  readonly fallback?: { readonly reason: string };
}

const DECISION_WORDS: Readonly<Record<string, readonly string[]>> = {
  ALLOW: ['ALLOW', 'allowed'],
  DENY: ['DENY', 'denied'],
  UNAUTHENTICATED: ['UNAUTHENTICATED', '401'],
  CONDITIONAL: ['CONDITIONAL', 'CUSTOM'],
};

function splitRef(value: string, what: string): { namespace: string; name: string } {
  const m = /^([a-z0-9][-a-z0-9]*)\/([a-z0-9][-.a-z0-9]*)$/.exec(value.trim());
  if (m === null) throw new AppError('bad-request', `${what} must be NAMESPACE/NAME, got "${value}"`);
  return { namespace: m[1] as string, name: m[2] as string };
}

function parseRequest(value: unknown): AccessRequest {
  const parsed = AccessRequestSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new AppError('bad-request', `not a valid request: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ')}`);
}

export async function explainAccess(deps: CopilotDeps, input: ExplainInput, ctx: CallContext): Promise<ExplainResult> {
  return auditedCall(deps, ctx, 'explain', input, async (models) => {
    const stage = callStages(ctx, 4);
    const mesh = requireMesh(deps);
    const snapshot = mesh.snapshot();
    const compiled = compiledMeshOf(snapshot.mesh);
    stage('analyze', 'collecting the facts from the engine');
    let subject: ExplainSubject;
    let set: FactSet;
    if ('request' in input.subject) {
      const request = parseRequest(input.subject.request);
      if (request.to.workload !== undefined && compiled.workloadsByNamespace.get(request.to.namespace)?.get(request.to.workload) === undefined) {
        const near = closestNames(`${request.to.namespace}/${request.to.workload}`, compiled.workloads.keys());
        throw new AppError('not-found', `no workload ${request.to.namespace}/${request.to.workload} in the mesh${near.length > 0 ? ` (closest: ${near.join(', ')})` : ''}`);
      }
      subject = { kind: 'request', request };
      set = requestFacts(compiled, request);
    } else if ('policy' in input.subject) {
      const { namespace, name } = splitRef(input.subject.policy, 'the policy');
      const policy = snapshot.mesh.authorizationPolicies.find((p) => p.namespace === namespace && p.name === name);
      if (policy === undefined) {
        const near = closestNames(`${namespace}/${name}`, snapshot.mesh.authorizationPolicies.map((p) => `${p.namespace}/${p.name}`));
        throw new AppError('not-found', `no AuthorizationPolicy ${namespace}/${name} in the mesh${near.length > 0 ? ` (closest: ${near.join(', ')})` : ''}`);
      }
      subject = { kind: 'policy', policy: `${namespace}/${name}` };
      set = policyFacts(compiled, policy);
    } else {
      const { namespace, name } = splitRef(input.subject.workload, 'the workload');
      const target = compiled.workloadsByNamespace.get(namespace)?.get(name);
      if (target === undefined) {
        const near = closestNames(`${namespace}/${name}`, compiled.workloads.keys());
        throw new AppError('not-found', `no workload ${namespace}/${name} in the mesh${near.length > 0 ? ` (closest: ${near.join(', ')})` : ''}`);
      }
      subject = { kind: 'workload', workload: `${namespace}/${name}` };
      set = workloadFacts(compiled, target);
    }
    const findings = analyzeFocused({ mesh: snapshot.mesh, policies: set.policies, workloads: set.workloads, now: deps.clock() });
    const facts = [...set.facts, ...findingFacts(findings)];
    const template = explainTemplateText(subject, set, findings);
    const inputErrors = [...snapshot.inputErrors];

    let text = template;
    let by: 'model' | 'template' = 'template';
    let fallback: { reason: string } | undefined;
    if (deps.model !== undefined && input.useModel !== false) {
      stage('model', 'asking the model to phrase the facts');
      const phrased = await phrase(deps, ctx, subject, facts, set.decision, models);
      if (phrased.ok) {
        text = phrased.text;
        by = 'model';
      } else {
        fallback = { reason: phrased.reason };
        deps.logger.warn('explain: the model text was not used, template text instead', { reason: phrased.reason });
      }
    }
    const result: ExplainResult = {
      subject,
      facts,
      text,
      by,
      findings,
      ...(set.decision !== undefined ? { decision: set.decision } : {}),
      inputErrors,
      ...(fallback !== undefined ? { fallback } : {}),
    };
    const what = subject.kind === 'request' ? `request to ${subject.request.to.namespace}/${subject.request.to.workload ?? '(ad-hoc)'}` : subject.kind === 'policy' ? `policy ${subject.policy}` : `workload ${subject.workload}`;
    return {
      value: result,
      outcome: 'ok',
      detail: `explained the ${what} (${by})${set.decision !== undefined ? `: ${set.decision.decision}` : ''}`,
      evidence: { subject: subject.kind, by, facts: facts.length, findings: findings.map((f) => f.code), ...(set.decision !== undefined ? { decision: set.decision.decision } : {}), ...(fallback !== undefined ? { fallback: fallback.reason } : {}) },
    };
  });
}

/** What of the facts goes into the prompt (the token budget): about 2,500 tokens. */
const FACTS_BUDGET_CHARS = 7_500;
const KIND_ORDER: readonly Fact['kind'][] = ['decision', 'reason', 'rule', 'workload', 'service', 'mtls', 'jwt', 'policy', 'attachment', 'finding', 'trace'];
const LEVEL_ORDER: Readonly<Record<string, number>> = { error: 0, warning: 1, info: 2 };

function promptFact(f: Fact): Record<string, string> {
  return { kind: f.kind, text: f.text, ...(f.policy !== undefined ? { policy: f.policy } : {}), ...(f.source !== undefined ? { source: f.source } : {}) };
}

/**
 * The facts that fit the budget, most telling first: the decision and its reasons, the deciding
 * rules, the target, then policies, findings (errors first, those on deciding policies first), trace.
 */
export function factsForPrompt(facts: readonly Fact[], decision: Decision | undefined, budget: number): Fact[] {
  const deciding = new Set(decision?.reasons.map((r) => r.policy) ?? []);
  const rank = (f: Fact): number[] => [
    KIND_ORDER.indexOf(f.kind),
    f.finding !== undefined ? (deciding.has(f.policy ?? '') ? 0 : 1) : 0,
    f.finding !== undefined ? (LEVEL_ORDER[f.finding.level] ?? 3) : 0,
  ];
  const ordered = facts.map((f, i) => ({ f, i, r: rank(f) })).sort((a, b) => a.r[0]! - b.r[0]! || a.r[1]! - b.r[1]! || a.r[2]! - b.r[2]! || a.i - b.i);
  const out: Fact[] = [];
  let used = 2;
  for (const { f } of ordered) {
    const size = JSON.stringify(promptFact(f)).length + 1;
    if (used + size > budget) continue;
    used += size;
    out.push(f);
  }
  return out;
}

/** The explain prompt for a subject and its facts (those within the budget), and the facts it carries. */
export function renderExplainPrompt(kind: ExplainSubject['kind'], facts: readonly Fact[], decision: Decision | undefined): { messages: ChatMessage[]; sent: Fact[] } {
  const question =
    kind === 'request'
      ? 'Explain why the request gets the decision the facts state.'
      : kind === 'policy'
        ? 'Explain what this AuthorizationPolicy does: which workloads it applies to and whom it allows or denies what.'
        : 'Explain what protects this workload: the mTLS mode, the token checks and the policies that decide its requests.';
  const decisionRule = decision !== undefined ? `- State the decision with the word ${decision.decision}.` : '- There is no single decision to state: describe the policy or workload.';
  const sent = factsForPrompt(facts, decision, FACTS_BUDGET_CHARS);
  return { messages: renderPrompt(getPrompt(PROMPTS.explainAccess), { question, decisionRule, facts: JSON.stringify(sent.map(promptFact)) }).messages, sent };
}

type Phrased = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string };

async function phrase(deps: CopilotDeps, ctx: CallContext, subject: ExplainSubject, facts: readonly Fact[], decision: Decision | undefined, models: ModelUses): Promise<Phrased> {
  const model = deps.model;
  if (model === undefined) return { ok: false, reason: 'no model' };
  const ref = PROMPTS.explainAccess;
  const { messages, sent } = renderExplainPrompt(subject.kind, facts, decision);
  let content: string;
  try {
    const response = await model.generate({ messages, maxTokens: 400, temperature: 0, ...(ctx.signal !== undefined ? { signal: ctx.signal } : {}) });
    models.add({ model: response.model, endpoint: model.endpoint, promptId: ref.id, promptVersion: ref.version, promptTokens: response.usage.promptTokens, completionTokens: response.usage.completionTokens });
    if (response.finishReason === 'length') return { ok: false, reason: 'the model answer was cut off at the token limit' };
    content = response.content;
  } catch (error) {
    if (ctx.signal?.aborted === true) throw error;
    models.add({ model: model.model, endpoint: model.endpoint, promptId: ref.id, promptVersion: ref.version });
    return { ok: false, reason: `the model failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  const text = sanitizeUntrusted(content, 4_000).text.trim();
  // The model may repeat only what it was shown.
  const factTexts = [...sent.map((f) => f.text), ...sent.flatMap((f) => [f.policy ?? '', f.source ?? ''])];
  const names = knownNames(deps, compiledMeshOf(requireMesh(deps).snapshot().mesh).mesh);
  const checked = checkGrounding(text, { factTexts, knownNames: names, ...(decision !== undefined ? { mustMention: DECISION_WORDS[decision.decision] ?? [decision.decision] } : {}) });
  return checked.ok ? { ok: true, text } : { ok: false, reason: `the model text was discarded: ${checked.reason}` };
}
