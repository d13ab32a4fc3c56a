// `gic serve` as the review bot, as deployed: the real process (bin/gic.js) with Gerrit and the policy
// repository configured and GIC_REVIEW_WEBHOOK_SECRET set, Gerrit's webhooks plugin delivering to its
// /webhooks/gerrit. Measures webhook-to-posted-review latency on the demo mesh without a model (printed;
// the target is p95 under 2 s), then kills gic (SIGKILL) with patch sets pending and made while it is
// down (100 of them), restarts it on the same data directory, and checks each patch set got exactly one
// review (the drain time is printed).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { GerritClient } from '../../src/gerrit/gerrit-client.js';
import { REVIEW_TAG } from '../../src/review/review-settings.js';
import { REPO_ROOT } from '../cli/run-gic.js';
import type { RunningPeer } from '../peers/peer.js';
import { GerritAdminClient } from '../peers/gerrit/gerrit-fixtures.js';
import { gerritForTests } from '../peers/gerrit/gerrit-test-peer.js';
import type { GerritPeerInfo } from '../peers/gerrit/start-gerrit.js';
import { DEMO_MESH } from '../support/copilot-fixture.js';
import { commitFiles, createPolicyRepository } from '../support/policy-repository.js';

const peer: RunningPeer<GerritPeerInfo> | undefined = await gerritForTests();

const SECRET = 'serve-webhook-secret-0123456789abcdef';
const BUILDS = readFileSync(join(DEMO_MESH, '30-builds.yaml'), 'utf8');
const VERBS = ['DELETE', 'PATCH', 'PUT', 'HEAD', 'OPTIONS', 'TRACE', 'CONNECT', 'PROPFIND', 'MKCOL', 'COPY', 'MOVE', 'LOCK'];
const edit = (verb: string): string => BUILDS.replace('methods: ["POST"]\n            paths: ["/api/builds", "/api/builds/*"]', `methods: ["POST", "${verb}"]\n            paths: ["/api/builds", "/api/builds/*"]`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe.skipIf(!peer)('gic serve as the review bot (a real process, Gerrit delivering webhooks)', () => {
  const project = `serve-review-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
  let client: GerritClient;
  let admin: GerritAdminClient;
  let child: ChildProcess | undefined;
  let port = 0;
  const dataDir = mkdtempSync(join(tmpdir(), 'gic-serve-review-'));
  let output = '';

  const id = (n: number): string => `${project}~${n}`;

  async function startServe(): Promise<void> {
    if (peer === undefined) throw new Error('unreachable');
    const env: NodeJS.ProcessEnv = { ...process.env, GIC_GERRIT_PASSWORD: peer.info.password, GIC_REVIEW_WEBHOOK_SECRET: SECRET, GIC_DATA_DIR: dataDir, GIC_REVIEW_POLL_INTERVAL_MS: '2000' };
    delete env['GIC_CONFIG'];
    delete env['KUBECONFIG'];
    const args = ['bin/gic.js', 'serve', '--port', String(port), '--mesh', DEMO_MESH, '--gerrit-url', peer.info.url, '--gerrit-user', peer.info.user, '--policy-project', project, '-o', 'human'];
    const started = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gic serve did not start: ${output}`)), 60_000);
      started.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        if (output.includes('listening on')) {
          clearTimeout(timer);
          resolve();
        }
      });
      started.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      started.once('exit', (code) => reject(new Error(`gic serve exited ${String(code)}: ${output}`)));
    });
  }

  async function kill(): Promise<void> {
    const c = child;
    child = undefined;
    if (c === undefined || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  }

  async function gicMessages(n: number): Promise<number[]> {
    const change = await client.getChange(id(n), { options: ['MESSAGES'] });
    return (change.messages ?? []).filter((m) => m.tag === REVIEW_TAG).map((m) => m._revision_number ?? 0);
  }

  async function reviewedWithin(n: number, ms: number): Promise<number> {
    const start = performance.now();
    for (;;) {
      if ((await gicMessages(n)).length > 0) return performance.now() - start;
      if (performance.now() - start > ms) throw new Error(`change ${n} not reviewed within ${ms} ms; gic said: ${output.slice(-2_000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  beforeAll(async () => {
    if (peer === undefined) throw new Error('unreachable');
    client = new GerritClient({ baseUrl: peer.info.url, credentials: { username: peer.info.user, password: peer.info.password } });
    admin = new GerritAdminClient({ url: peer.info.url, user: peer.info.user, password: peer.info.password });
    await createPolicyRepository(client, admin, project);
    port = await freePort();
    await startServe();
    await client.putWebhookRemote(project, 'gic', { url: `http://127.0.0.1:${port}/webhooks/gerrit?secret=${SECRET}`, events: ['patchset-created', 'comment-added', 'change-restored', 'change-merged'], maxTries: 3, retryInterval: 300 });
  });

  afterAll(async () => {
    await kill();
    await client?.close();
    await peer?.stop();
  });

  it('reviews each new patch set from the webhook; webhook-to-posted-review latency on the demo mesh', async () => {
    const latencies: number[] = [];
    for (const verb of VERBS.slice(0, 8)) {
      const n = await commitFiles(client, project, { 'policies/30-builds.yaml': edit(verb) }, `Allow ${verb}`);
      latencies.push(await reviewedWithin(n, 20_000));
      expect(await gicMessages(n)).toEqual([2]);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] ?? 0;
    console.log(`[review-bot] webhook to posted review on the demo mesh (no model), ${latencies.length} patch sets: p50 ${sorted[Math.floor(sorted.length / 2)]?.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, max ${sorted.at(-1)?.toFixed(0)} ms`);
    expect(sorted.length).toBe(8);
  });

  it('killed with work pending and restarted: 100 patch sets made while it was down all reviewed exactly once', async () => {
    const pending = await commitFiles(client, project, { 'policies/30-builds.yaml': edit(VERBS[8] ?? 'X') }, 'Just before the crash');
    await kill();
    const whileDown: number[] = [];
    for (let i = 0; i < 100; i++) {
      const policy = `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: deny-path-${i}\n  namespace: builds\nspec:\n  selector:\n    matchLabels:\n      app: build-trigger\n  action: DENY\n  rules:\n    - to:\n        - operation:\n            paths: ["/internal/${i}/*"]\n`;
      whileDown.push(await commitFiles(client, project, { [`policies/builds/deny-path-${i}.yaml`]: policy }, `Deny /internal/${i} while gic is down`));
    }
    const restarted = performance.now();
    await startServe();
    for (const n of [pending, ...whileDown]) await reviewedWithin(n, 180_000);
    const drained = performance.now() - restarted;
    console.log(`[review-bot] restart with 101 patch sets pending (1 queued before the crash, 100 lost webhooks): all reviewed ${drained.toFixed(0)} ms after the restart (${(drained / 101).toFixed(0)} ms each)`);
    for (const n of [pending, ...whileDown]) expect(await gicMessages(n)).toEqual([2]);
  });
});
