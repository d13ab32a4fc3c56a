// One turn of a chat conversation, shared by the chat page's API (src/http/chat-api-routes.ts) and
// `gic chat`: the person's message goes to the model, which either drives the tool catalog (function
// calling, bounded; tool-loop.ts) or, for small models, only extracts a structured intent that the
// copilot's draft verifies (questions or a proposal). Proposals the tools made are shown from the store,
// never from the model's words. The turn and its answer are kept in the conversation (store), and the
// turn is recorded in the audit log with the model and prompt used.
import type { Copilot } from '../copilot/copilot.js';
import type { CallContext } from '../copilot/deps.js';
import type { DraftResult } from '../copilot/draft-policy.js';
import { inputsHash } from '../copilot/inputs-hash.js';
import { getPrompt, PROMPTS } from '../copilot/prompt-catalog.js';
import { renderPrompt } from '../copilot/prompt-template.js';
import { requireModel } from '../copilot/require-deps.js';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ChatMessage } from '../model/chat-model.js';
import type { ConversationRecord } from '../store/store.js';
import type { ChatEmit, ChatMode } from './chat-event.js';
import type { ChatSettings } from './chat-settings.js';
import type { LoopTool, LoopToolAccess } from './loop-tool.js';
import { proposalView } from './proposal-view.js';
import { runToolLoop } from './tool-loop.js';

const MAX_MESSAGE_CHARS = 4_000;
/** Earlier turns the model sees at most (the newest ones). */
const MAX_HISTORY_TURNS = 20;

export interface ChatCaller {
  readonly actor: string;
  readonly groups: readonly string[];
}

export interface ChatEngine {
  readonly copilot: Copilot;
  /** The tool catalog (tools/), before filtering by the caller's groups. */
  readonly tools: readonly LoopTool[];
  readonly settings: ChatSettings;
  readonly logger: Logger;
  /** May this caller use tools of this access level? (the MCP server's per-tool rule: Gerrit groups, looked up when the token has none). */
  allows(caller: ChatCaller, access: LoopToolAccess): Promise<boolean>;
}

export interface ChatTurnInput {
  readonly conversation: string;
  readonly text: string;
  readonly caller: ChatCaller;
  readonly signal: AbortSignal;
  /** Front-end prefix of the audit action: `chat` (the page) or `gic chat`. */
  readonly surface: string;
}

/** The caller's own conversation, or AppError `not-found` (another person's conversation does not exist for them). */
export async function ownConversation(copilot: Copilot, id: string, actor: string): Promise<ConversationRecord> {
  const found = await copilot.deps.store.getConversation(id);
  if (found === undefined || found.createdBy !== actor) throw new AppError('not-found', `no conversation ${id}`, { details: { conversation: id } });
  return found;
}

function todayText(now: Date): string {
  const weekday = now.toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' });
  return `${weekday}, ${now.toISOString().slice(0, 10)} (UTC), ${now.toISOString().slice(11, 16)} UTC`;
}

function proposalIdOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const id = (value as Record<string, unknown>)['proposal'];
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** Runs one turn, reporting through `emit`; errors are reported as an `error` event, never thrown. */
export async function runChatTurn(engine: ChatEngine, input: ChatTurnInput, emit: ChatEmit): Promise<void> {
  try {
    await turn(engine, input, emit);
  } catch (error) {
    const code = AppError.isInstance(error) ? error.code : 'internal';
    if (!AppError.isInstance(error)) engine.logger.error('chat turn failed', { error });
    emit({ type: 'error', code, message: AppError.isInstance(error) ? error.message : 'internal error (see the server log)' });
  }
}

async function turn(engine: ChatEngine, input: ChatTurnInput, emit: ChatEmit): Promise<void> {
  const { copilot } = engine;
  const text = input.text.trim();
  if (text === '') throw new AppError('bad-request', 'the message is empty');
  if (text.length > MAX_MESSAGE_CHARS) throw new AppError('bad-request', `the message is longer than ${MAX_MESSAGE_CHARS} characters`);
  const conversation = await ownConversation(copilot, input.conversation, input.caller.actor);
  if (!(await engine.allows(input.caller, 'propose'))) throw new AppError('forbidden', `${input.caller.actor} may not draft policies (not in a group allowed to propose)`);
  requireModel(copilot.deps);
  // Only tools that change nothing: submitting for review is the person's own action (the page's button,
  // `/submit`), so text the model read (a Gerrit comment, a YAML comment) can never make it open a change.
  const levels = new Map<LoopToolAccess, boolean>();
  for (const access of new Set(engine.tools.map((t) => t.access))) levels.set(access, await engine.allows(input.caller, access));
  const tools = engine.tools.filter((t) => t.effect === 'read' && levels.get(t.access) === true);
  const ctx: CallContext = { actor: input.caller.actor, action: `${input.surface}:turn`, signal: input.signal, onProgress: (p) => emit({ type: 'progress', stage: p.stage, message: p.message }) };
  if (engine.settings.mode === 'draft' || tools.length === 0) return draftTurn(engine, input, text, ctx, emit);
  emit({ type: 'turn', conversation: conversation.id, mode: 'tools' });
  const started = performance.now();
  const model = requireModel(copilot.deps);
  const ref = PROMPTS.chatAgent;
  const system = renderPrompt(getPrompt(ref), { today: todayText(copilot.deps.clock()) }).messages;
  const history: ChatMessage[] = conversation.turns.slice(-MAX_HISTORY_TURNS).map((t) => ({ role: t.role, content: t.text }));
  let loop;
  try {
    loop = await runToolLoop({
      model,
      tools,
      messages: [...system, ...history, { role: 'user', content: text }],
      maxSteps: engine.settings.maxSteps,
      maxTokens: engine.settings.maxTokens,
      context: { copilot, caller: input.caller, logger: engine.logger, signal: input.signal, call: ctx, progress: () => undefined },
      emit,
    });
  } catch (error) {
    // A server that rejects the `tools` field (HTTP 400) cannot do function calling: extract instead.
    if (engine.settings.mode === 'auto' && AppError.isInstance(error) && error.code === 'model-bad-request') {
      emit({ type: 'fallback', reason: `the model server rejected function calling (${error.message.slice(0, 200)})` });
      return draftTurn(engine, input, text, ctx, emit);
    }
    await recordFailure(engine, input, text, error);
    throw error;
  }
  if (loop.unusable !== undefined && engine.settings.mode === 'auto' && loop.toolValues.length === 0) {
    emit({ type: 'fallback', reason: loop.unusable });
    return draftTurn(engine, input, text, ctx, emit);
  }
  const proposals: string[] = [];
  for (const { value } of loop.toolValues) {
    const id = proposalIdOf(value);
    if (id === undefined || proposals.includes(id)) continue;
    const record = await copilot.deps.store.getProposal(id);
    if (record === undefined || record.createdBy !== input.caller.actor) continue;
    proposals.push(id);
    emit({ type: 'proposal', proposal: proposalView(record) });
  }
  const bound = loop.bound === 'steps' ? `I stopped after ${loop.steps} steps (the limit per message).` : loop.bound === 'tokens' ? 'I stopped at the token limit of one message.' : undefined;
  const unusable = loop.unusable !== undefined ? `I could not use the tools: ${loop.unusable}.` : undefined;
  const answer = [loop.text.trim(), bound, unusable].filter((s): s is string => s !== undefined && s !== '').join('\n') || '(no answer)';
  const store = copilot.deps.store;
  await store.appendTurn(conversation.id, { role: 'user', text });
  const last = proposals.at(-1);
  await store.appendTurn(conversation.id, { role: 'assistant', text: answer, data: { mode: 'tools', tools: loop.toolValues.map((t) => t.name), ...(last !== undefined ? { proposal: last } : {}), ...(loop.bound !== undefined ? { bound: loop.bound } : {}) } });
  await store.appendAudit({
    actor: input.caller.actor,
    action: `${input.surface}:turn`,
    inputsHash: inputsHash({ conversation: conversation.id, text }),
    outcome: 'ok',
    detail: `chat turn: ${loop.steps} model call(s), tools ${loop.toolValues.map((t) => t.name).join(', ') || 'none'}${last !== undefined ? `, proposal ${last}` : ''}`,
    models: [{ model: loop.modelId, endpoint: model.endpoint, promptId: ref.id, promptVersion: ref.version, promptTokens: loop.usage.promptTokens, completionTokens: loop.usage.completionTokens }],
    evidence: { conversation: conversation.id, steps: loop.steps, proposals, ...(loop.bound !== undefined ? { bound: loop.bound } : {}) },
    durationMs: Math.round(performance.now() - started),
  });
  emit({ type: 'answer', text: answer, mode: 'tools', steps: loop.steps, usage: loop.usage });
}

async function recordFailure(engine: ChatEngine, input: ChatTurnInput, text: string, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  try {
    await engine.copilot.deps.store.appendTurn(input.conversation, { role: 'user', text });
    await engine.copilot.deps.store.appendTurn(input.conversation, { role: 'assistant', text: `error: ${message.slice(0, 500)}`, data: { error: AppError.isInstance(error) ? error.code : 'internal' } });
  } catch (storeError) {
    engine.logger.warn('could not record a failed chat turn', { error: storeError });
  }
}

/** Schema-constrained intent extraction: the copilot's draft asks questions or proposes. */
async function draftTurn(engine: ChatEngine, input: ChatTurnInput, text: string, ctx: CallContext, emit: ChatEmit): Promise<void> {
  emit({ type: 'turn', conversation: input.conversation, mode: 'draft' });
  const result: DraftResult = await engine.copilot.draft({ text, conversation: input.conversation }, { ...ctx, action: `${input.surface}:draft` });
  const usage = result.usage ?? { promptTokens: 0, completionTokens: 0 };
  const mode: ChatMode = 'draft';
  if (result.questions.length > 0) {
    emit({ type: 'questions', questions: result.questions });
    emit({ type: 'answer', text: result.questions.map((q) => q.question).join(' '), mode, steps: 1, usage });
    return;
  }
  const record = result.proposal !== undefined ? await engine.copilot.deps.store.getProposal(result.proposal) : undefined;
  if (record === undefined) {
    emit({ type: 'answer', text: 'No proposal could be made.', mode, steps: 1, usage });
    return;
  }
  const view = proposalView(record);
  emit({ type: 'proposal', proposal: view });
  const where = view.policy !== null ? `${view.policy.namespace}/${view.policy.name}` : 'the policy';
  emit({ type: 'answer', text: `Proposal ${record.id} for ${where}: ${record.verified ? 'verified' : `not verified (${view.blockers.join('; ')})`}.`, mode, steps: 1, usage });
}
