import { describe, expect, it } from 'vitest';

import type { GerritEvent } from '../gerrit/gerrit-events.js';
import { silentLogger } from '../log.js';
import { createGerritWebhookRoutes } from './gerrit-webhook-routes.js';

const SECRET = 'a-secret-of-enough-length';
const body = JSON.stringify({ type: 'patchset-created', change: { project: { name: 'p' }, branch: 'master', number: 1 }, patchSet: { number: 2, revision: 'a'.repeat(40) } });

function app(receive: (e: GerritEvent) => Promise<never> | Promise<{ action: 'queued'; project: string; change: number; patchset: number }> = (e) => Promise.resolve({ action: 'queued', project: 'p', change: e.type === 'ref-updated' ? 0 : e.change.number, patchset: 2 })) {
  return createGerritWebhookRoutes({ secret: SECRET, receive, logger: silentLogger, maxBodyBytes: 10_000 });
}

describe('POST /webhooks/gerrit', () => {
  it('queues an event given the secret in the header or the query (the webhooks plugin cannot send headers)', async () => {
    const viaHeader = await app().request('/webhooks/gerrit', { method: 'POST', body, headers: { 'x-gic-webhook-secret': SECRET } });
    expect(viaHeader.status).toBe(202);
    expect(await viaHeader.json()).toEqual({ action: 'queued', project: 'p', change: 1, patchset: 2 });
    expect((await app().request(`/webhooks/gerrit?secret=${SECRET}`, { method: 'POST', body })).status).toBe(202);
  });

  it('refuses a missing or wrong secret before reading the body', async () => {
    expect((await app().request('/webhooks/gerrit', { method: 'POST', body })).status).toBe(401);
    expect((await app().request('/webhooks/gerrit?secret=wrong', { method: 'POST', body })).status).toBe(401);
    expect((await app().request('/webhooks/gerrit', { method: 'POST', body, headers: { 'x-gic-webhook-secret': `${SECRET}x` } })).status).toBe(401);
  });

  it('answers bad bodies with 400, unknown event types with 202 ignored, oversized bodies with 413', async () => {
    const post = (b: string) => app().request(`/webhooks/gerrit?secret=${SECRET}`, { method: 'POST', body: b });
    expect((await post('{not json')).status).toBe(400);
    expect((await post('{"type":"patchset-created"}')).status).toBe(400);
    const ignored = await post('{"type":"reviewer-added"}');
    expect(ignored.status).toBe(202);
    expect(await ignored.json()).toMatchObject({ action: 'ignored' });
    expect((await post(`{"type":"x","pad":"${'y'.repeat(20_000)}"}`)).status).toBe(413);
  });

  it('answers 503 when the event could not be recorded, so Gerrit delivers it again', async () => {
    const failing = app(() => Promise.reject(new Error('store busy')));
    expect((await failing.request(`/webhooks/gerrit?secret=${SECRET}`, { method: 'POST', body })).status).toBe(503);
  });

  it('refuses to be built with a short secret', () => {
    expect(() => createGerritWebhookRoutes({ secret: 'short', receive: () => Promise.reject(new Error('x')), logger: silentLogger })).toThrow(/16 characters/);
  });
});
