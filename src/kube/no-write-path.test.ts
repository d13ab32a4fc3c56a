// Proof by source scan that gic has no code path for a real cluster write (docs/architecture.md
// "Safety rails"): no production file uses client-node's API clients (which can write), only
// kube-gateway.ts sends requests, and its one `fetch` comes after the dryRun=All guard.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const srcRoot = fileURLToPath(new URL('..', import.meta.url));

async function productionFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await productionFiles(path)));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

/** What production code may take from client-node: configuration, the Watch/ListWatch read path, request plumbing, types. */
const ALLOWED_CLIENT_NODE_IMPORTS = new Set(['KubeConfig', 'ListWatch', 'Watch', 'RequestContext', 'HttpMethod', 'KubernetesObject', 'KubernetesListObject']);

describe('no real write path to a cluster', () => {
  it('production code imports from client-node only configuration, watches and request plumbing (no API clients)', async () => {
    const offenders: string[] = [];
    for (const file of await productionFiles(srcRoot)) {
      const text = await readFile(file, 'utf8');
      for (const m of text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'@kubernetes\/client-node'/g)) {
        for (const name of (m[1] ?? '').split(',').map((n) => n.replace(/^\s*type\s+/, '').trim()).filter((n) => n !== '')) {
          if (!ALLOWED_CLIENT_NODE_IMPORTS.has(name)) offenders.push(`${relative(srcRoot, file)}: ${name}`);
        }
      }
      if (/import\s+\*\s+as\s+\w+\s+from\s+'@kubernetes\/client-node'|require\('@kubernetes\/client-node'\)|import\('@kubernetes\/client-node'\)/.test(text)) offenders.push(`${relative(srcRoot, file)}: namespace or dynamic import`);
      if (/makeApiClient|KubernetesObjectApi|\b(create|patch|replace|delete)Namespaced\w*\(/.test(text)) offenders.push(`${relative(srcRoot, file)}: API client call`);
    }
    expect(offenders).toEqual([]);
  });

  it('in src/kube only kube-gateway.ts sends requests, and only after the guard', async () => {
    const senders: string[] = [];
    for (const file of await productionFiles(join(srcRoot, 'kube'))) {
      const text = await readFile(file, 'utf8');
      if (/\bfetch\s*\(|from 'undici'|node:https?'|\bhttps?\.request\(/.test(text)) senders.push(relative(srcRoot, file));
    }
    expect(senders).toEqual(['kube/kube-gateway.ts']);
    const gateway = await readFile(join(srcRoot, 'kube', 'kube-gateway.ts'), 'utf8');
    const fetches = [...gateway.matchAll(/\bawait fetch\(/g)];
    expect(fetches).toHaveLength(1);
    const guard = gateway.indexOf('assertAllowedRequest(method, url);');
    expect(guard).toBeGreaterThan(-1);
    expect(guard).toBeLessThan(fetches[0]!.index);
    // The Watch the informers use is the guarded subclass.
    expect(gateway).toMatch(/return new GuardedWatch\(this\.kubeConfig\)/);
    expect(gateway).not.toMatch(/new Watch\(/);
  });
});
