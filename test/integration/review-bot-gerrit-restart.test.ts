// The review bot when Gerrit restarts mid-review (issue 14 "Gerrit restarted mid-review"): a dedicated
// Gerrit (the run's shared one cannot be stopped under other files' tests) holds a policy project with
// the demo mesh and the Policy-Check label. The worker claims a patch set and reads the change; then
// the Gerrit JVM is stopped (SIGTERM) before the review's next request, and started again on the same
// site and port. The attempt that hit the outage, and those while Gerrit is down or starting, go back
// to the ledger with backoff and post nothing; once Gerrit answers the patch set is reviewed exactly
// once: one message with the tag, one +1, read back through the REST API of the restarted Gerrit.
import { readFileSync, readdirSync, mkdtempSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import type { CopilotDeps } from '../../src/copilot/deps.js';
import { GerritClient } from '../../src/gerrit/gerrit-client.js';
import { silentLogger } from '../../src/log.js';
import type { ReviewGerrit } from '../../src/review/review-gerrit.js';
import { DEFAULT_REVIEW_SETTINGS, REVIEW_TAG, type ReviewBotSettings } from '../../src/review/review-settings.js';
import { ReviewWorker } from '../../src/review/review-worker.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite-store.js';
import { startPeerOrSkip, type RunningPeer } from '../peers/peer.js';
import { GerritAdminClient } from '../peers/gerrit/gerrit-fixtures.js';
import { findGerritDaemon, killRestartedGerrit, startGerritDaemon, stopGerritDaemon } from '../peers/gerrit/gerrit-daemon.js';
import { startGerrit, type GerritPeerInfo } from '../peers/gerrit/start-gerrit.js';
import { copilotDeps, DEMO_MESH } from '../support/copilot-fixture.js';

const peer: RunningPeer<GerritPeerInfo> | undefined = await startPeerOrSkip('gerrit (dedicated, restarted mid-review)', startGerrit);

const LabelsSchema = z.looseObject({ labels: z.record(z.string(), z.looseObject({ all: z.array(z.looseObject({ value: z.number().optional() })).optional() })) });

const BUILDS = readFileSync(join(DEMO_MESH, '30-builds.yaml'), 'utf8');
const GRANT_DELETE = BUILDS.replace('methods: ["POST"]\n            paths: ["/api/builds", "/api/builds/*"]', 'methods: ["POST", "DELETE"]\n            paths: ["/api/builds", "/api/builds/*"]');

describe.skipIf(!peer)('the review bot when Gerrit restarts mid-review', () => {
  const project = `restart-review-${Date.now().toString(36)}`;
  let setup: GerritClient;
  let admin: GerritAdminClient;
  let store: SqliteStore;
  let copilot: CopilotDeps;
  let restarted: ChildProcess | undefined;
  const id = (n: number): string => `${project}~${n}`;

  beforeAll(async () => {
    if (peer === undefined) throw new Error('unreachable');
    setup = new GerritClient({ baseUrl: peer.info.url, credentials: { username: peer.info.user, password: peer.info.password }, timeoutMs: 10_000, retry: { maxAttempts: 200, baseDelayMs: 100, maxDelayMs: 1_000 } });
    admin = new GerritAdminClient({ url: peer.info.url, user: peer.info.user, password: peer.info.password });
    await setup.createProject(project, { create_empty_commit: true });
    const demo = await setup.createChange({ project, branch: 'master', subject: 'Add the demo mesh' });
    for (const f of readdirSync(DEMO_MESH).filter((name) => name.endsWith('.yaml'))) await setup.putEditFile(id(demo._number), `policies/${f}`, readFileSync(join(DEMO_MESH, f), 'utf8'));
    await setup.publishEdit(id(demo._number));
    await setup.setReview(id(demo._number), 'current', { labels: { 'Code-Review': 2 } });
    await admin.call('POST', `changes/${encodeURIComponent(id(demo._number))}/submit`, { body: {} });
    const administrators = await setup.getGroup('Administrators');
    await setup.putLabel(project, 'Policy-Check', { values: { '-1': 'Policy violation', ' 0': 'No score', '+1': 'Policy OK' }, function: 'NoBlock', commit_message: 'add Policy-Check' });
    await setup.setProjectAccess(project, { add: { 'refs/heads/*': { permissions: { 'label-Policy-Check': { rules: { [administrators.id]: { action: 'ALLOW', min: -1, max: 1 } } } } } }, message: 'gic may vote Policy-Check' });
    store = await openSqliteStore({ dataDir: mkdtempSync(join(tmpdir(), 'gic-review-restart-')), synchronous: 'normal' });
    copilot = await copilotDeps({ store, extra: { clock: () => new Date() } });
  });

  afterAll(async () => {
    await setup?.close();
    await store?.close();
    await killRestartedGerrit(restarted);
    await peer?.stop();
  });

  it('the patch set whose review Gerrit interrupted is retried and reviewed exactly once after Gerrit is back; no vote in between', async () => {
    if (peer === undefined) throw new Error('unreachable');
    const change = await setup.createChange({ project, branch: 'master', subject: 'Let CI delete builds' });
    await setup.putEditFile(id(change._number), 'policies/30-builds.yaml', GRANT_DELETE);
    await setup.publishEdit(id(change._number));
    const current = await setup.getChange(id(change._number), { options: ['CURRENT_REVISION'] });
    await store.enqueueReview({ project, change: change._number, patchset: 2, revision: current.current_revision ?? '', source: 'webhook' });

    // The bot's own client gives up fast (the worker's backoff is the retry), as a real deployment's would.
    const bot = new GerritClient({ baseUrl: peer.info.url, credentials: { username: peer.info.user, password: peer.info.password }, timeoutMs: 3_000, retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 } });
    const daemon = findGerritDaemon(peer.info.url);
    let stopped: Promise<void> | undefined;
    let posts = 0;
    // After the change was read (the review is under way), Gerrit goes down before the next request.
    const gerrit: ReviewGerrit = Object.assign(Object.create(bot) as GerritClient, {
      getChange: async (...args: Parameters<GerritClient['getChange']>) => {
        const read = await bot.getChange(...args);
        stopped ??= stopGerritDaemon(daemon);
        await stopped;
        return read;
      },
      setReview: (...args: Parameters<GerritClient['setReview']>) => {
        posts++;
        return bot.setReview(...args);
      },
    });
    const settings: ReviewBotSettings = { ...DEFAULT_REVIEW_SETTINGS, project, account: peer.info.user, retryBaseMs: 300, retryMaxMs: 2_000, maxAttempts: 500 };
    const settled: string[] = [];
    const worker = new ReviewWorker({ copilot, gerrit, settings }, { logger: silentLogger, workerId: 'restart', onSettled: (_entry, outcome) => settled.push(outcome.state) });
    try {
      // The attempt in flight when Gerrit stopped: back to the ledger, nothing posted.
      expect(await worker.runOnce()).toBe(true);
      expect(stopped).toBeDefined();
      expect(settled).toEqual(['retry']);
      expect(await store.getReview({ project, change: change._number, patchset: 2 })).toMatchObject({ state: 'pending', attempts: 1 });
      // While Gerrit is down, due attempts fail the same way.
      await new Promise((r) => setTimeout(r, 600));
      await worker.drain();
      restarted = startGerritDaemon(daemon);
      const deadline = Date.now() + 240_000;
      let entry = await store.getReview({ project, change: change._number, patchset: 2 });
      while (entry?.state === 'pending' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        await worker.drain();
        entry = await store.getReview({ project, change: change._number, patchset: 2 });
      }
      expect(entry).toMatchObject({ state: 'posted', vote: 1 });
      expect(entry?.attempts).toBeGreaterThanOrEqual(3);
      expect(settled.at(-1)).toBe('posted');
      expect(settled.slice(0, -1).every((s) => s === 'retry')).toBe(true);
      expect(posts).toBe(1);
      // Once more: nothing left to do, nothing posted again.
      expect(await worker.drain()).toBe(0);
    } finally {
      await bot.close();
    }
    // Read back from the restarted Gerrit: one tagged message on patch set 2, one Policy-Check +1.
    const read = await setup.getChange(id(change._number), { options: ['MESSAGES'] });
    const ours = (read.messages ?? []).filter((m) => m.tag === REVIEW_TAG);
    expect(ours).toHaveLength(1);
    expect(ours[0]?._revision_number).toBe(2);
    expect(ours[0]?.message).toContain('Vote: Policy-Check +1');
    const labels = await admin.json('GET', `changes/${encodeURIComponent(id(change._number))}?o=DETAILED_LABELS`, LabelsSchema);
    const votes = (labels.labels['Policy-Check']?.all ?? []).map((v) => v.value ?? 0).filter((v) => v !== 0);
    expect(votes).toEqual([1]);
    console.log(`[review restart] ${settled.length} attempts (${settled.join(', ')}), ${bot.transport.stats.requests} bot requests`);
  });
});
