// Use case `draft` (docs/cli.md `gic draft`, MCP `policy_draft`, the chat page): natural language ->
// a structured intent through the model's structured output -> propose. When the request is ambiguous
// or names a group, workload or namespace that does not exist, it asks clarifying questions (with the
// closest existing names) instead of guessing; a conversation continues with its id. Time-bound
// grants ("until Friday", "for 2 hours") become `expires`, resolved against the injected clock.
import { AppError } from '../errors.js';
import type { ChatMessage } from '../model/chat-model.js';
import { generateObject } from '../model/generate-object.js';
import type { Intent } from '../policy/compile/intent.js';
import type { GerritGroup } from '../policy/resources/group-directory.js';
import type { ConversationTurn } from '../store/store.js';
import { auditedCall } from './audit-call.js';
import { callStages } from './call-stages.js';
import { compiledMeshOf } from './compiled-mesh-cache.js';
import type { CallContext, CopilotDeps } from './deps.js';
import { buildDraftContext, type DraftContext } from './draft-context.js';
import { DraftExtractionSchema } from './draft-extraction.js';
import type { DraftQuestion } from './draft-question.js';
import { resolveDraft } from './draft-resolve.js';
import { getPrompt, PROMPTS } from './prompt-catalog.js';
import { renderPrompt } from './prompt-template.js';
import { type ProposeResult, storeProposal } from './propose-policy.js';
import { requireMesh, requireModel } from './require-deps.js';
import { verifyIntent } from './verify-intent.js';

const MAX_REQUEST_CHARS = 4_000;

export interface DraftInput {
  /** The person's request, or their answer to the questions of `conversation`. Untrusted. */
  readonly text: string;
  /** Continue this conversation (the id a previous draft returned). */
  readonly conversation?: string;
}

export type { DraftQuestion } from './draft-question.js';

/** The propose shape (when a proposal was made), plus the intent, questions and conversation. */
export type DraftResult = Partial<Omit<ProposeResult, 'intent'>> & {
  /** The intent drafted so far (null when none could be formed). */
  readonly intent: Intent | null;
  /** Non-empty when the request is ambiguous or names something that does not exist; then no proposal. */
  readonly questions: readonly DraftQuestion[];
  /** Answer with `--conversation ID "answer"`. */
  readonly conversation: string;
  /** Tokens the model used for this turn (over the repair round too). */
  readonly usage?: { readonly promptTokens: number; readonly completionTokens: number; readonly rounds: number };
};

/** Renders the conversation's earlier turns for the prompt (the person's words and gic's questions). */
function earlierTurns(turns: readonly ConversationTurn[]): string {
  if (turns.length === 0) return '(none)';
  return turns.map((t) => (t.role === 'user' ? `person: ${t.text}` : `gic: ${t.text}`)).join('\n');
}

function todayText(now: Date): string {
  const weekday = now.toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' });
  return `${weekday}, ${now.toISOString().slice(0, 10)} (UTC), ${now.toISOString().slice(11, 16)} UTC`;
}

/** Groups the drafting may name: Gerrit's (with descriptions), else the groups the mesh's policies name. */
async function availableGroups(deps: CopilotDeps, compiled: ReturnType<typeof compiledMeshOf>, signal: AbortSignal | undefined): Promise<{ groups: GerritGroup[]; fromGerrit: boolean }> {
  if (deps.groups !== undefined) return { groups: await deps.groups.listGroups(signal === undefined ? {} : { signal }), fromGerrit: true };
  const claim = `request.auth.claims[${deps.settings.groupsClaim.claim}]`;
  const names = new Set<string>();
  for (const p of compiled.mesh.authorizationPolicies) for (const r of p.spec.rules ?? []) for (const c of r.when ?? []) if (c.key === claim) for (const v of c.values ?? []) names.add(v);
  return { groups: [...names].sort().map((name) => ({ uuid: name, name, members: [], includes: [] })), fromGerrit: false };
}

/** The draft prompt: the context the person's words point at, the earlier turns, the latest message. */
export function renderDraftPrompt(
  personText: string,
  earlier: readonly ConversationTurn[],
  text: string,
  compiled: ReturnType<typeof compiledMeshOf>,
  groups: readonly GerritGroup[],
  now: Date,
): { context: DraftContext; messages: ChatMessage[] } {
  const context = buildDraftContext(personText, compiled, groups);
  const prompt = renderPrompt(getPrompt(PROMPTS.draftIntent), { today: todayText(now), context: context.text, conversation: earlierTurns(earlier), request: text });
  return { context, messages: prompt.messages };
}

export async function draftPolicy(deps: CopilotDeps, input: DraftInput, ctx: CallContext): Promise<DraftResult> {
  return auditedCall(deps, ctx, 'draft', input, async (models) => {
    const stage = callStages(ctx, 10);
    const text = input.text.trim();
    if (text === '') throw new AppError('bad-request', 'the request is empty: say who should reach which workload, and how');
    if (text.length > MAX_REQUEST_CHARS) throw new AppError('bad-request', `the request is longer than ${MAX_REQUEST_CHARS} characters`);
    const model = requireModel(deps);
    const mesh = requireMesh(deps);
    let earlier: readonly ConversationTurn[] = [];
    if (input.conversation !== undefined) {
      const found = await deps.store.getConversation(input.conversation);
      // A conversation belongs to whoever started it; another caller is told it does not exist.
      if (found === undefined || found.createdBy !== ctx.actor) throw new AppError('not-found', `no conversation ${input.conversation}`, { details: { conversation: input.conversation } });
      earlier = found.turns;
    }
    const personText = [...earlier.filter((t) => t.role === 'user').map((t) => t.text), text].join('\n');

    stage('context', 'picking the parts of the mesh and the Gerrit groups the request mentions');
    const snapshot = mesh.snapshot();
    const compiled = compiledMeshOf(snapshot.mesh);
    const available = await availableGroups(deps, compiled, ctx.signal);
    const { context, messages } = renderDraftPrompt(personText, earlier, text, compiled, available.groups, deps.clock());
    const ref = PROMPTS.draftIntent;

    stage('model', 'asking the model for the intent');
    const repair = PROMPTS.repairStructuredOutput;
    const repairText = (problems: string): string => renderPrompt(getPrompt(repair), { problems }).messages.map((m) => m.content).join('\n');
    let extracted;
    try {
      extracted = await generateObject({ model, messages, schema: DraftExtractionSchema, name: 'draft_intent', maxTokens: 600, repairText, ...(ctx.signal !== undefined ? { signal: ctx.signal } : {}) });
    } catch (error) {
      models.add({ model: model.model, endpoint: model.endpoint, promptId: ref.id, promptVersion: ref.version });
      throw error;
    }
    models.add({ model: extracted.model, endpoint: model.endpoint, promptId: ref.id, promptVersion: ref.version, promptTokens: extracted.usage.promptTokens, completionTokens: extracted.usage.completionTokens });
    if (extracted.rounds === 2) models.add({ model: extracted.model, endpoint: model.endpoint, promptId: repair.id, promptVersion: repair.version });

    stage('resolve', 'checking every name against the mesh and Gerrit');
    const resolved = resolveDraft({
      extraction: extracted.value,
      personText,
      compiled,
      groupNames: available.fromGerrit ? available.groups.map((g) => g.name) : undefined,
      now: deps.clock(),
      candidateWorkloads: context.workloads.map((w) => `${w.namespace}/${w.name}`),
      candidateGroups: context.groups.map((g) => g.name),
    });
    const usage = { promptTokens: extracted.usage.promptTokens, completionTokens: extracted.usage.completionTokens, rounds: extracted.rounds };

    let result: DraftResult;
    let conversation: string;
    if (resolved.intent === undefined) {
      stage('store', 'recording the questions in the conversation');
      conversation = await recordTurns(deps, ctx, input.conversation, text, resolved.questions.map((x) => x.question).join(' '), { questions: resolved.questions });
      result = { intent: null, questions: resolved.questions, conversation, inputErrors: [...snapshot.inputErrors], usage };
    } else {
      const verification = await verifyIntent(deps, resolved.intent, snapshot, mesh.origin, ctx, stage);
      conversation = await recordTurns(deps, ctx, input.conversation, text, '', undefined);
      const proposal = await storeProposal(deps, verification, ctx, conversation, stage);
      await deps.store.appendTurn(conversation, {
        role: 'assistant',
        text: `proposal ${proposal} for ${verification.policy.namespace}/${verification.policy.name}: ${verification.verified ? 'verified' : `not verified (${verification.blockers.join('; ')})`}`,
        data: { intent: verification.intent, proposal, verified: verification.verified },
      });
      result = { ...verification, proposal, questions: [], conversation, usage };
    }
    const evidence = {
      conversation,
      questions: result.questions.length,
      ...(result.proposal !== undefined ? { proposal: result.proposal, verified: result.verified, accessDelta: result.diff?.summary, blockers: result.blockers } : {}),
      promptTokens: usage.promptTokens,
    };
    return { value: result, outcome: 'ok', detail: result.proposal !== undefined ? `drafted proposal ${result.proposal} (${result.verified === true ? 'verified' : 'not verified'})` : `asked ${result.questions.length} question(s)`, evidence };
  });
}

/** Appends the person's turn (creating the conversation if new) and, when given, gic's answer; returns the id. */
async function recordTurns(deps: CopilotDeps, ctx: CallContext, id: string | undefined, text: string, answer: string, data: Readonly<Record<string, unknown>> | undefined): Promise<string> {
  const conversation = id ?? (await deps.store.createConversation(ctx.actor)).id;
  await deps.store.appendTurn(conversation, { role: 'user', text });
  if (answer !== '') await deps.store.appendTurn(conversation, { role: 'assistant', text: answer, ...(data !== undefined ? { data } : {}) });
  return conversation;
}
