// The chat API and the page routes in process (Hono's app.request, the real copilot on the demo mesh and
// the demo Gerrit snapshot, SQLite in a temporary directory): what the caller's groups allow is what the
// routes do, conversations and proposals belong to whoever made them, bodies must be JSON, the page
// carries its CSP and serves only its own files. The end-to-end tests through `gic serve` are in
// test/integration/chat-api.test.ts and chat-page.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';

import type { ChatCaller } from '../chat/chat-turn.js';
import type { LoopToolAccess } from '../chat/loop-tool.js';
import { createCopilot } from '../copilot/copilot.js';
import { silentLogger } from '../log.js';
import { copilotDeps } from '../../test/support/copilot-fixture.js';
import type { Caller } from './caller.js';
import { createChatApiRoutes } from './chat-api-routes.js';
import type { GicEnv } from './http-env.js';
import { createWebPageRoutes, PAGE_CSP, webDirectory } from './web-page-routes.js';

/** Groups -> access, as a configured mapping would say: ops may do everything, devs may read and propose, guests read. */
function allows(caller: ChatCaller, access: LoopToolAccess): Promise<boolean> {
  if (caller.groups.includes('ops')) return Promise.resolve(true);
  if (caller.groups.includes('devs')) return Promise.resolve(access !== 'submit');
  return Promise.resolve(caller.groups.includes('guests') && access === 'read');
}

async function appFor(): Promise<{ request: (caller: Caller, path: string, init?: RequestInit) => Promise<Response> }> {
  const copilot = createCopilot(await copilotDeps());
  const api = createChatApiRoutes({ copilot, tools: [], settings: { mode: 'auto', maxSteps: 4, maxTokens: 8_000 }, logger: silentLogger, allows });
  return {
    request: (caller, path, init) => {
      const app = new Hono<GicEnv>();
      app.use('*', async (c, next) => {
        c.set('caller', caller);
        await next();
      });
      app.route('/', api);
      return Promise.resolve(app.request(path, init));
    },
  };
}

const dev: Caller = { actor: 'user:dana', groups: ['devs'], via: 'jwt' };
const otherDev: Caller = { actor: 'user:omar', groups: ['devs'], via: 'jwt' };
const guest: Caller = { actor: 'user:gus', groups: ['guests'], via: 'jwt' };
const nobody: Caller = { actor: 'user:nina', groups: [], via: 'jwt' };
const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const grant = { action: 'allow', subjects: [{ gerritGroup: 'release-managers' }], target: { namespace: 'builds', workload: 'build-trigger' }, operations: [{ methods: ['POST'], paths: ['/api/builds'] }] };
const request = { to: { namespace: 'builds', workload: 'build-trigger', port: 8080 }, from: { namespace: 'ci', workload: 'build-runner' }, method: 'POST', path: '/api/builds' };

describe('chat API: what the caller may do', () => {
  it('offers each caller what its groups allow, and refuses the rest with 403', async () => {
    const { request: call } = await appFor();
    expect(await (await call(dev, '/api/me')).json()).toMatchObject({ actor: 'user:dana', groups: ['devs'], can: { ask: true, propose: true, chat: false, submit: false } });
    expect(await (await call(guest, '/api/me')).json()).toMatchObject({ can: { ask: true, propose: false, chat: false, submit: false } });
    expect(await (await call(nobody, '/api/me')).json()).toMatchObject({ can: { ask: false, propose: false, chat: false, submit: false } });

    const refused = await call(guest, '/api/conversations', json({}));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: { code: 'forbidden', message: 'user:gus may not draft policies' } });
    expect((await call(guest, '/api/proposals', json({ intent: grant }))).status).toBe(403);
    expect((await call(nobody, '/api/ask', json({ request }))).status).toBe(403);
    expect((await call(nobody, '/api/options')).status).toBe(403);
  });

  it('answers ask mode with the decision and its trace, and names what is wrong with a bad request', async () => {
    const { request: call } = await appFor();
    const answer = (await (await call(guest, '/api/ask', json({ request, useModel: false }))).json()) as { decision: { decision: string; trace: string[] }; text: string; by: string };
    expect(answer.decision.decision).toBe('DENY');
    expect(answer.decision.trace.length).toBeGreaterThan(2);
    expect(answer.by).toBe('template');
    const bad = await call(guest, '/api/ask', json({ request: { to: { namespace: 'builds', workload: 'build-trigger', port: 'eighty' } } }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/to\./);
    expect((await call(guest, '/api/ask', json({ request, policy: 'x/y' }))).status).toBe(400);
    const unknown = await call(guest, '/api/ask', json({ workload: 'builds/build-trigga' }));
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain('builds/build-trigger');
  });

  it('proposes from the form; a proposal and a conversation belong to whoever made them', async () => {
    const { request: call } = await appFor();
    const conversation = (await (await call(dev, '/api/conversations', json({}))).json()) as { id: string; turns: unknown[] };
    expect(conversation.turns).toEqual([]);
    const created = await call(dev, '/api/proposals', json({ intent: grant, conversation: conversation.id }));
    expect(created.status).toBe(201);
    const { proposal } = (await created.json()) as { proposal: { id: string; verified: boolean; changes: { kind: string; witness: unknown }[]; yaml: string } };
    expect(proposal).toMatchObject({ verified: true, changes: [{ kind: 'granted' }] });
    expect(proposal.changes[0]?.witness).toMatchObject({ method: 'POST', path: '/api/builds' });
    expect((await (await call(dev, `/api/proposals/${proposal.id}`)).json())).toMatchObject({ proposal: { id: proposal.id, yaml: proposal.yaml } });
    const turns = ((await (await call(dev, `/api/conversations/${conversation.id}`)).json()) as { turns: { role: string; data?: unknown }[] }).turns;
    expect(turns.map((t) => t.role)).toEqual(['user', 'assistant']);
    expect(turns[1]?.data).toMatchObject({ proposal: proposal.id });

    expect((await call(otherDev, `/api/proposals/${proposal.id}`)).status).toBe(404);
    expect((await call(otherDev, `/api/conversations/${conversation.id}`)).status).toBe(404);
    expect((await call(otherDev, `/api/conversations/${conversation.id}/messages`, json({ text: 'hi' }))).status).toBe(404);
    // Submitting needs the submit right (and Gerrit): a developer is refused before anything is written.
    expect((await call(dev, `/api/proposals/${proposal.id}/submit`, json({}))).status).toBe(403);
  });

  it('refuses a body that is not a JSON object, and an intent that is not valid, naming the fields', async () => {
    const { request: call } = await appFor();
    const form = await call(dev, '/api/proposals', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'intent=x' });
    expect(form.status).toBe(400);
    expect(((await form.json()) as { error: { message: string } }).error.message).toContain('application/json');
    expect((await call(dev, '/api/proposals', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"intent":' })).status).toBe(400);
    expect((await call(dev, '/api/proposals', json([1]))).status).toBe(400);
    const invalid = await call(dev, '/api/proposals', json({ intent: { action: 'allow', subjects: [], target: { namespace: 'builds' } } }));
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { message: string } }).error.message).toContain('subjects');
  });

  it('streams a turn as server-sent events; without a model the turn ends with an error event, then done', async () => {
    const { request: call } = await appFor();
    const { id } = (await (await call(dev, '/api/conversations', json({}))).json()) as { id: string };
    const response = await call(dev, `/api/conversations/${id}/messages`, json({ text: 'let release-managers POST /api/builds on build-trigger' }));
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    expect(text).toMatch(/^event: error\ndata: \{"type":"error","code":"model-not-configured",/m);
    expect(text).toMatch(/event: done\n/);
  });
});

describe('the chat page routes', () => {
  it('serves the page and its modules with a CSP without inline scripts, and nothing else', async () => {
    const app = createWebPageRoutes();
    const page = await app.request('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(PAGE_CSP).toContain("script-src 'self'");
    expect(PAGE_CSP).not.toContain('unsafe-inline');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    // Every script is a file of the page (no inline code), and no element carries an inline handler or style.
    expect([...html.matchAll(/<script\b[^>]*>/g)].every((m) => / src="\/web\/[a-z-]+\.js"/.test(m[0]))).toBe(true);
    expect(html).not.toMatch(/<script\b[^>]*>[^<]+<\/script>/);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/\sstyle=/i);
    const app2 = await app.request('/web/app.js');
    expect(app2.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await app2.text()).toBe(readFileSync(join(webDirectory(), 'app.js'), 'utf8'));
    expect((await app.request('/web/missing.js')).status).toBe(404);
    expect((await app.request('/web/..%2Fhttp%2Fchat-api-routes.ts')).status).toBe(404);
    expect((await app.request('/web/index.html')).status).toBe(404);
  });

  it('the browser code never writes HTML: no innerHTML, outerHTML, insertAdjacentHTML or document.write', () => {
    const dir = webDirectory();
    for (const file of ['app.js', 'api.js', 'ask-panel.js', 'chat-panel.js', 'dom.js', 'intent-form.js', 'proposal-panel.js', 'sse-reader.js']) {
      const source = readFileSync(join(dir, file), 'utf8');
      expect(source, file).not.toMatch(/\.innerHTML|\.outerHTML|insertAdjacentHTML\(|document\.write\(|\beval\(|new Function\(/);
    }
  });
});
