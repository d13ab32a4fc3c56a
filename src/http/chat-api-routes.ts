// The chat page's JSON API (README "The chat API"), a Hono sub-app the serve composition root mounts
// behind the same authentication as /mcp: the caller (src/http/caller.ts) is who the audit log records,
// and the routes offer only what the caller's groups allow (`allows`, the MCP server's rule). Every
// POST takes `application/json` (so a cross-site form cannot post), bodies are capped, and every failure
// is `{"error": {code, message}}` with a status from api-error-response.ts. A chat message answers
// with server-sent events (chat-event.ts), one turn of src/chat/chat-turn.ts.
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { streamSSE } from 'hono/streaming';

import type { ChatEngine, ChatCaller } from '../chat/chat-turn.js';
import { ownConversation, runChatTurn } from '../chat/chat-turn.js';
import type { LoopToolAccess } from '../chat/loop-tool.js';
import { proposalView } from '../chat/proposal-view.js';
import { AppError } from '../errors.js';
import type { ExplainSubjectInput } from '../copilot/explain-access.js';
import type { ConversationRecord } from '../store/store.js';
import type { Caller } from './caller.js';
import { errorResponse } from './api-error-response.js';
import type { GicEnv } from './http-env.js';

const MAX_BODY_BYTES = 256 * 1024;
const KEEP_ALIVE_MS = 15_000;

export interface ChatApiOptions extends ChatEngine {
  /** Middleware run before every /api route (the per-identity rate limit). */
  readonly before?: readonly MiddlewareHandler<GicEnv>[];
}

/** What the caller may do on the page (GET /api/me). */
export interface Capabilities {
  /** Ask whether a request is allowed, and why (engine only). */
  readonly ask: boolean;
  /** Propose from the intent form (no model needed). */
  readonly propose: boolean;
  /** Draft in free text (needs a model). */
  readonly chat: boolean;
  /** Submit a verified proposal for review (needs Gerrit and a policy repository). */
  readonly submit: boolean;
}

function chatCaller(caller: Caller): ChatCaller {
  return { actor: caller.actor, groups: caller.groups };
}

export async function capabilitiesOf(engine: ChatEngine, caller: ChatCaller): Promise<Capabilities> {
  const deps = engine.copilot.deps;
  const [read, propose, submit] = await Promise.all([engine.allows(caller, 'read'), engine.allows(caller, 'propose'), engine.allows(caller, 'submit')]);
  return {
    ask: read && deps.mesh !== undefined,
    propose: propose && deps.mesh !== undefined,
    chat: propose && deps.mesh !== undefined && deps.model !== undefined,
    submit: submit && deps.gerrit !== undefined && deps.settings.policyRepo !== undefined,
  };
}

function conversationJson(c: ConversationRecord): unknown {
  return { id: c.id, createdAt: c.createdAt, turns: c.turns };
}

async function requireAccess(engine: ChatEngine, caller: ChatCaller, access: LoopToolAccess, what: string): Promise<void> {
  if (!(await engine.allows(caller, access))) throw new AppError('forbidden', `${caller.actor} may not ${what}`);
}

async function jsonBody(req: { header(name: string): string | undefined; json(): Promise<unknown> }): Promise<Readonly<Record<string, unknown>>> {
  const type = req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) throw new AppError('bad-request', 'send the body as application/json');
  let body: unknown;
  try {
    body = await req.json();
  } catch (error) {
    throw new AppError('bad-request', `the body is not JSON: ${(error as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AppError('bad-request', 'the body must be a JSON object');
  return body as Readonly<Record<string, unknown>>;
}

function stringField(body: Readonly<Record<string, unknown>>, name: string, required: true): string;
function stringField(body: Readonly<Record<string, unknown>>, name: string, required: false): string | undefined;
function stringField(body: Readonly<Record<string, unknown>>, name: string, required: boolean): string | undefined {
  const value = body[name];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string') throw new AppError('bad-request', `${name}: expected a string`, { details: { field: name } });
  return value;
}

function askSubject(body: Readonly<Record<string, unknown>>): ExplainSubjectInput {
  const given = ['request', 'policy', 'workload'].filter((k) => body[k] !== undefined);
  if (given.length !== 1) throw new AppError('bad-request', 'give exactly one of request, policy, workload', { details: { field: given.join(',') || 'request' } });
  if (body['request'] !== undefined) return { request: body['request'] };
  if (body['policy'] !== undefined) return { policy: stringField(body, 'policy', true) };
  return { workload: stringField(body, 'workload', true) };
}

export function createChatApiRoutes(engine: ChatApiOptions): Hono<GicEnv> {
  const app = new Hono<GicEnv>();
  const { copilot, logger } = engine;
  const store = copilot.deps.store;
  app.use('/api/*', bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.json({ error: { code: 'bad-request', message: `the body is larger than ${MAX_BODY_BYTES} bytes` } }, 413) }));
  for (const m of engine.before ?? []) app.use('/api/*', m);
  app.onError((error, c) => errorResponse(c, error, logger));

  app.get('/api/me', async (c) => {
    const caller = c.get('caller');
    return c.json({ actor: caller.actor, groups: caller.groups, via: caller.via, can: await capabilitiesOf(engine, chatCaller(caller)), chat: { mode: engine.settings.mode, maxSteps: engine.settings.maxSteps } });
  });

  // Names for the forms: workloads with their ports, Gerrit groups, JWT issuers of the mesh.
  app.get('/api/options', async (c) => {
    const caller = chatCaller(c.get('caller'));
    await requireAccess(engine, caller, 'read', 'read the mesh');
    const mesh = copilot.deps.mesh;
    if (mesh === undefined) throw new AppError('not-configured', 'no mesh: give --mesh PATH or configure a cluster');
    const snapshot = mesh.snapshot().mesh;
    const workloads = snapshot.workloads.map((w) => ({ namespace: w.namespace, name: w.name, ports: [...new Set(w.containerPorts.map((p) => p.port))].sort((a, b) => a - b) })).sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
    const issuers = [...new Set(snapshot.requestAuthentications.flatMap((r) => (r.spec.jwtRules ?? []).map((j) => j.issuer).filter((i): i is string => typeof i === 'string')))].sort();
    const groups = copilot.deps.groups !== undefined ? (await copilot.deps.groups.listGroups({ signal: c.req.raw.signal })).map((g) => g.name).sort() : [];
    return c.json({ workloads, groups, issuers, policies: snapshot.authorizationPolicies.map((p) => `${p.namespace}/${p.name}`).sort() });
  });

  app.post('/api/conversations', async (c) => {
    const caller = chatCaller(c.get('caller'));
    await requireAccess(engine, caller, 'propose', 'draft policies');
    const conversation = await store.createConversation(caller.actor);
    return c.json(conversationJson(conversation), 201);
  });

  app.get('/api/conversations/:id', async (c) => {
    const conversation = await ownConversation(copilot, c.req.param('id'), c.get('caller').actor);
    return c.json(conversationJson(conversation));
  });

  app.post('/api/conversations/:id/messages', async (c) => {
    const caller = chatCaller(c.get('caller'));
    const body = await jsonBody(c.req);
    const text = stringField(body, 'text', true);
    const conversation = c.req.param('id');
    // Errors found before streaming (an unknown conversation, a forbidden caller) are plain JSON errors.
    await ownConversation(copilot, conversation, caller.actor);
    await requireAccess(engine, caller, 'propose', 'draft policies');
    const signal = c.req.raw.signal;
    return streamSSE(c, async (stream) => {
      let id = 0;
      const pending: Promise<unknown>[] = [];
      // A comment line now and then keeps proxies from closing the stream while a local model thinks.
      const keepAlive = setInterval(() => pending.push(stream.write(': keep-alive\n\n')), KEEP_ALIVE_MS);
      try {
        await runChatTurn(engine, { conversation, text, caller, signal, surface: 'chat' }, (event) => {
          pending.push(stream.writeSSE({ event: event.type, data: JSON.stringify(event), id: String(++id) }));
        });
      } finally {
        clearInterval(keepAlive);
      }
      await Promise.all(pending);
      await stream.writeSSE({ event: 'done', data: '{}', id: String(++id) });
    });
  });

  // The no-model path: a structured intent from the form, verified and stored as a proposal.
  app.post('/api/proposals', async (c) => {
    const caller = chatCaller(c.get('caller'));
    await requireAccess(engine, caller, 'propose', 'propose policies');
    const body = await jsonBody(c.req);
    const conversation = stringField(body, 'conversation', false);
    if (conversation !== undefined) await ownConversation(copilot, conversation, caller.actor);
    const result = await copilot.propose({ intent: body['intent'], ...(conversation !== undefined ? { conversationId: conversation } : {}) }, { actor: caller.actor, action: 'chat:propose', signal: c.req.raw.signal });
    const record = await store.getProposal(result.proposal);
    if (record === undefined) throw new AppError('internal', `proposal ${result.proposal} was not stored`);
    if (conversation !== undefined) {
      await store.appendTurn(conversation, { role: 'user', text: `(intent form) ${JSON.stringify(body['intent'])}` });
      await store.appendTurn(conversation, { role: 'assistant', text: `proposal ${record.id}: ${record.verified ? 'verified' : 'not verified'}`, data: { mode: 'form', proposal: record.id } });
    }
    return c.json({ proposal: proposalView(record) }, 201);
  });

  app.get('/api/proposals/:id', async (c) => {
    const caller = chatCaller(c.get('caller'));
    const record = await store.getProposal(c.req.param('id'));
    if (record === undefined || record.createdBy !== caller.actor) throw new AppError('not-found', `no proposal ${c.req.param('id')}`);
    return c.json({ proposal: proposalView(record) });
  });

  app.post('/api/proposals/:id/submit', async (c) => {
    const caller = chatCaller(c.get('caller'));
    await requireAccess(engine, caller, 'submit', 'submit proposals for review');
    const id = c.req.param('id');
    const record = await store.getProposal(id);
    if (record === undefined || record.createdBy !== caller.actor) throw new AppError('not-found', `no proposal ${id}`);
    const result = await copilot.submit({ proposal: id }, { actor: caller.actor, action: 'chat:submit', signal: c.req.raw.signal });
    return c.json(result);
  });

  // "Ask" mode: the engine's decision with its trace, explained (template, or the model's grounded words).
  app.post('/api/ask', async (c) => {
    const caller = chatCaller(c.get('caller'));
    await requireAccess(engine, caller, 'read', 'ask about the mesh');
    const body = await jsonBody(c.req);
    const useModel = body['useModel'];
    if (useModel !== undefined && typeof useModel !== 'boolean') throw new AppError('bad-request', 'useModel: expected true or false', { details: { field: 'useModel' } });
    const result = await copilot.explain({ subject: askSubject(body), ...(useModel !== undefined ? { useModel } : {}) }, { actor: caller.actor, action: 'chat:ask', signal: c.req.raw.signal });
    return c.json(result);
  });

  return app;
}
