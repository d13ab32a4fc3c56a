// The egress guard end to end: real name resolution through a DNS server on loopback (real DNS packets,
// TTL 0), literal addresses in every spelling, and DNS rebinding: a name that resolved inside when checked
// and outside at connect time is refused at connect time, on the same client, with nothing sent. The only
// connections made go to the scripted model server on 127.0.0.1; refused addresses are never dialled.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { EgressGuard, systemResolve } from '../../src/model/egress-guard.js';
import type { DialEvent } from '../../src/model/guarded-dispatcher.js';
import { OpenAiChatModel } from '../../src/model/openai-chat-model.js';
import { startLoopbackDnsServer, type LoopbackDnsServer } from '../support/loopback-dns-server.js';
import { createScriptedModelServer, type ScriptedModelServer } from '../peers/model/scripted-model-server.js';

const PUBLIC_V4 = '93.184.216.34';
const PUBLIC_V6 = '2606:4700:4700::1111';

let dns: LoopbackDnsServer;
let server: ScriptedModelServer;
let port: string;
const clients: OpenAiChatModel[] = [];
let dials: DialEvent[] = [];

beforeAll(async () => {
  dns = await startLoopbackDnsServer();
  server = await createScriptedModelServer({ models: ['m'] });
  port = new URL(server.baseUrl).port;
});
afterAll(async () => {
  await Promise.all([dns.close(), server.close()]);
});
afterEach(async () => {
  server.reset();
  dials = [];
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

function guard(allowHosts: readonly string[] = []): EgressGuard {
  return new EgressGuard({ resolve: (name) => dns.resolve(name), allowHosts });
}

function client(host: string, egress: EgressGuard = guard(), concurrency = 2): OpenAiChatModel {
  const created = new OpenAiChatModel({ baseUrl: `http://${host}:${port}/v1`, model: 'm', guard: egress, concurrency, timeoutMs: 5_000, retry: { maxRetries: 1 }, sleep: () => Promise.resolve(), onDial: (event) => dials.push(event) });
  clients.push(created);
  return created;
}

const chats = (): number => server.requests().filter((r) => r.path === '/v1/chat/completions').length;

describe('egress guard with real name resolution', () => {
  it('resolves through DNS and connects when every address is inside', async () => {
    dns.set('model.inside.test', { a: ['127.0.0.1'] });
    server.setScript([{ kind: 'text', text: 'hello from inside' }]);
    const verdict = await guard().check('model.inside.test');
    expect(verdict).toMatchObject({ allowed: true, basis: 'addresses', addresses: [{ address: '127.0.0.1', kind: 'loopback' }] });
    const response = await client('model.inside.test').generate({ messages: [{ role: 'user', content: 'hi' }] });
    expect(response.content).toBe('hello from inside');
    expect(dials.map((d) => d.address)).toEqual(['127.0.0.1']);
    expect(server.requests()[0]?.headers.host).toBe(`model.inside.test:${port}`);
    expect(dns.queries().filter((q) => q.name === 'model.inside.test').map((q) => q.type)).toEqual(expect.arrayContaining(['A', 'AAAA']));
  });

  it('refuses a name that resolves outside, before any connection', async () => {
    dns.set('model.outside.test', { a: [PUBLIC_V4] });
    await expect(client('model.outside.test').generate({ messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({
      code: 'model-egress-refused',
      message: expect.stringMatching(/^egress refused: model\.outside\.test resolves to 93\.184\.216\.34 \(public\)/),
      details: { host: 'model.outside.test', addresses: [PUBLIC_V4] },
    });
    expect(dials).toEqual([]);
  });

  it('refuses a name when any one of its addresses is outside (an AAAA record counts as much as an A)', async () => {
    dns.set('model.mixed.test', { a: ['127.0.0.1'], aaaa: [PUBLIC_V6] });
    const verdict = await guard().check('model.mixed.test');
    expect(verdict).toMatchObject({ allowed: false });
    expect(verdict.reason).toContain(`${PUBLIC_V6} (public)`);
    await expect(client('model.mixed.test').generate({ messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ code: 'model-egress-refused' });
    expect(dials).toEqual([]);
  });

  it('catches DNS rebinding: inside when checked, outside when connecting -> refused at connect time', async () => {
    dns.set('model.rebind.test', { a: ['127.0.0.1'] });
    const egress = guard();
    expect(await egress.check('model.rebind.test')).toMatchObject({ allowed: true });
    dns.set('model.rebind.test', { a: [PUBLIC_V4] });
    await expect(client('model.rebind.test', egress).generate({ messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ code: 'model-egress-refused' });
    expect(dials).toEqual([]);
    expect(chats()).toBe(0);
  });

  it('catches DNS rebinding mid-session: the next connection of the same client is checked again', async () => {
    dns.set('model.session.test', { a: ['127.0.0.1'] });
    server.setScript([{ kind: 'text', text: 'first answer' }, { kind: 'disconnect', how: 'reset' }]);
    // One connection (concurrency 1), kept alive: the second call goes out on it, the server drops it.
    const model = client('model.session.test', guard(), 1);
    expect((await model.generate({ messages: [{ role: 'user', content: 'one' }] })).content).toBe('first answer');
    dns.set('model.session.test', { a: [PUBLIC_V4] });
    // The kept-alive connection is dropped by the server; the retry needs a new connection, which is refused.
    await expect(model.generate({ messages: [{ role: 'user', content: 'two' }] })).rejects.toMatchObject({ code: 'model-egress-refused' });
    expect(dials.map((d) => d.address)).toEqual(['127.0.0.1']);
    expect(chats()).toBe(2);
    expect(server.remainingSteps()).toBe(0);
  });

  it('refuses a name that does not resolve, with the resolver reason', async () => {
    expect(await guard().check('nowhere.test')).toMatchObject({ allowed: false, reason: expect.stringMatching(/^nowhere\.test does not resolve \(ENOTFOUND\)/) });
  });

  it('allows allow-listed names and cluster-internal Service names whatever they resolve to (checked, not dialled)', async () => {
    dns.set('models.example.com', { a: [PUBLIC_V4] });
    dns.set('vllm.models.svc.cluster.local', { a: ['34.118.224.10'] });
    expect(await guard(['models.example.com']).check('models.example.com')).toMatchObject({ allowed: true, basis: 'allow-list', addresses: [{ address: PUBLIC_V4, kind: 'public' }] });
    expect(await guard().check('vllm.models.svc.cluster.local')).toMatchObject({ allowed: true, basis: 'cluster-internal' });
    expect(await guard(['93.184.216.0/24']).check('models.example.com')).toMatchObject({ allowed: true, basis: 'addresses' });
    expect(await guard().check('models.example.com')).toMatchObject({ allowed: false });
  });

  it('uses the system resolver by default (localhost is inside)', async () => {
    const addresses = await systemResolve('localhost');
    expect(addresses.length).toBeGreaterThan(0);
    expect(await new EgressGuard().check('localhost')).toMatchObject({ allowed: true });
  });
});

describe('egress guard on literal addresses', () => {
  it('connects to loopback written in decimal, hex, octal, short and IPv4-mapped IPv6 form, dialling 127.0.0.1', async () => {
    const spellings = ['2130706433', '0x7f000001', '0x7f.0.0.1', '0177.0.0.1', '127.1', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]'];
    server.setScript(spellings.map((spelling) => ({ kind: 'text' as const, text: spelling })));
    const before = dns.queries().length;
    for (const spelling of spellings) {
      expect((await client(spelling).generate({ messages: [{ role: 'user', content: 'hi' }] })).content, spelling).toBe(spelling);
    }
    expect(new Set(dials.map((d) => d.address))).toEqual(new Set(['127.0.0.1']));
    expect(dns.queries().length, 'a literal address is never resolved').toBe(before);
  });

  it('refuses public addresses in every spelling without dialling or resolving them', async () => {
    const before = dns.queries().length;
    for (const spelling of ['134744072', '0x08080808', '010.010.010.010', '8.8.8.8', '[::ffff:8.8.8.8]', '[::ffff:808:808]', `[${PUBLIC_V6}]`, '0.0.0.0', '[::]', '100.64.0.1']) {
      await expect(client(spelling).generate({ messages: [{ role: 'user', content: 'hi' }] }), spelling).rejects.toMatchObject({ code: 'model-egress-refused' });
    }
    expect(dials).toEqual([]);
    expect(dns.queries().length).toBe(before);
  });

  it('checks IPv6 loopback, unique-local and link-local literals as inside', async () => {
    for (const [literal, kind] of [['[::1]', 'loopback'], ['[fd00::1]', 'private'], ['[fe80::1%25eth0]', 'link-local']] as const) {
      expect(await new EgressGuard().check(literal), literal).toMatchObject({ allowed: true, addresses: [{ kind }] });
    }
  });
});
