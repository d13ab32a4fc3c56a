// `POST /webhooks/gerrit` (docs/cli.md "The service"): the Gerrit webhooks plugin's events for the review
// bot, as a `Hono<GicEnv>` sub-app mounted before the OAuth middleware (it has its own auth). Gerrit's
// webhooks plugin cannot send headers or sign bodies, so the shared secret comes in the
// `X-Gic-Webhook-Secret` header (proxies, hand-made calls) or in the remote URL's `secret` query
// parameter (the plugin), compared in constant time. The body is capped, parsed defensively, recorded
// durably in the ledger, and answered at once (202): the review happens in the worker. A failure to
// record answers 503, so the plugin retries; a body gic cannot use answers 400, an event it does not
// review 202 with the reason (retrying would not help).
import { timingSafeEqual } from 'node:crypto';

import { Hono } from 'hono';

import { parseWebhookBody, type GerritEvent } from '../gerrit/gerrit-events.js';
import type { Logger } from '../log.js';
import type { IntakeResult } from '../review/gerrit-event-intake.js';
import type { GicEnv } from './http-env.js';

export const WEBHOOK_PATH = '/webhooks/gerrit';
export const WEBHOOK_SECRET_HEADER = 'x-gic-webhook-secret';

export interface GerritWebhookOptions {
  /** The shared secret; required (an endpoint without one would queue work for anyone). */
  readonly secret: string;
  readonly receive: (event: GerritEvent) => Promise<IntakeResult>;
  readonly logger: Logger;
  /** Largest body accepted (bytes, default 1 MiB). */
  readonly maxBodyBytes?: number;
}

function sameSecret(given: string | undefined, secret: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(secret, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function createGerritWebhookRoutes(options: GerritWebhookOptions): Hono<GicEnv> {
  if (options.secret.length < 16) throw new Error('the Gerrit webhook secret must be at least 16 characters');
  const maxBody = options.maxBodyBytes ?? 1_048_576;
  const app = new Hono<GicEnv>();
  app.post(WEBHOOK_PATH, async (c) => {
    const given = c.req.header(WEBHOOK_SECRET_HEADER) ?? c.req.query('secret');
    if (!sameSecret(given, options.secret)) return c.json({ error: 'unauthorized', message: `give the webhook secret in ${WEBHOOK_SECRET_HEADER} or ?secret=` }, 401);
    const length = Number(c.req.header('content-length') ?? '0');
    if (length > maxBody) return c.json({ error: 'too-large', message: `the body exceeds ${maxBody} bytes` }, 413);
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.byteLength > maxBody) return c.json({ error: 'too-large', message: `the body exceeds ${maxBody} bytes` }, 413);
    const parsed = parseWebhookBody(new TextDecoder('utf-8', { fatal: false }).decode(bytes));
    if (parsed.kind === 'invalid') return c.json({ error: 'bad-request', message: parsed.reason }, 400);
    if (parsed.kind === 'unsupported') return c.json({ action: 'ignored', reason: `event type ${parsed.type} is not reviewed` }, 202);
    try {
      const result = await options.receive(parsed.event);
      return c.json(result, 202);
    } catch (error) {
      options.logger.error(`webhook: could not record the event: ${error instanceof Error ? error.message : String(error)}`);
      return c.json({ error: 'unavailable', message: 'the event could not be recorded; retry' }, 503);
    }
  });
  return app;
}
