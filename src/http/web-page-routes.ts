// The chat page (src/web) as a Hono sub-app: `/` is index.html and `/web/<file>` its scripts and
// styles, read once at start from src/web (also when running from dist/, which holds no browser code).
// Only the files found there are served (no path from the URL reaches the file system). Every answer
// carries a Content-Security-Policy without inline scripts or styles, so text from the model or Gerrit
// that slipped into the DOM as markup could still not run; the page itself only ever sets textContent.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

import { Hono } from 'hono';

import { AppError } from '../errors.js';
import type { GicEnv } from './http-env.js';

export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Security headers of every page answer. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': PAGE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cache-control': 'no-cache',
};

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** src/web, from src/http (tsx) or dist/src/http (compiled). */
export function webDirectory(): string {
  for (const up of ['..', '../../..']) {
    const dir = join(import.meta.dirname, up, up === '..' ? 'web' : 'src/web');
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  throw new AppError('internal', `cannot find the chat page (src/web/index.html) from ${import.meta.dirname}`);
}

interface Asset {
  readonly body: Uint8Array;
  readonly type: string;
}

function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type === undefined || name.endsWith('.test.ts')) continue;
    assets.set(name, { body: new Uint8Array(readFileSync(join(dir, name))), type });
  }
  return assets;
}

export function createWebPageRoutes(dir = webDirectory()): Hono<GicEnv> {
  const assets = loadAssets(dir);
  const app = new Hono<GicEnv>();
  const answer = (name: string): Response => {
    const asset = assets.get(name);
    if (asset === undefined) return new Response('not found\n', { status: 404, headers: { ...PAGE_HEADERS, 'content-type': 'text/plain; charset=utf-8' } });
    return new Response(asset.body, { status: 200, headers: { ...PAGE_HEADERS, 'content-type': asset.type } });
  };
  app.get('/', () => answer('index.html'));
  app.get('/web/:file', (c) => (c.req.param('file') === 'index.html' ? answer('') : answer(c.req.param('file'))));
  return app;
}
