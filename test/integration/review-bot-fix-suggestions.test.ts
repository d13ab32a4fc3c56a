// Mechanical fixes as Gerrit fix suggestions, against the real Gerrit 3.9.4 peer: a patch set with a
// lower-case method (GIC104), a Service port where the workload port is meant (GIC118) and a misspelt
// field (`principal`, crd.unknown-field) gets, in `auto` mode, robot comments carrying
// `fix_suggestions` on the exact text (3.9 takes robot comments; it silently drops fix_suggestions on
// normal comments). Gerrit's own "apply fix" endpoint then applies them to a change edit; the published
// patch set has none of those findings. A fix Gerrit refuses makes the bot post the review again with
// the fix only in the text, exactly once.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import type { CopilotDeps } from '../../src/copilot/deps.js';
import { GerritClient } from '../../src/gerrit/gerrit-client.js';
import { buildPatchSetReview, postPatchSetReview, type ReviewBotDeps } from '../../src/review/review-patch-set.js';
import { DEFAULT_REVIEW_SETTINGS, REVIEW_TAG } from '../../src/review/review-settings.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite-store.js';
import { GerritAdminClient } from '../peers/gerrit/gerrit-fixtures.js';
import { gerritForTests } from '../peers/gerrit/gerrit-test-peer.js';
import type { RunningPeer } from '../peers/peer.js';
import type { GerritPeerInfo } from '../peers/gerrit/start-gerrit.js';
import { copilotDeps } from '../support/copilot-fixture.js';
import { commitFiles, createPolicyRepository } from '../support/policy-repository.js';

const peer: RunningPeer<GerritPeerInfo> | undefined = await gerritForTests();

const FIX_ME = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: fix-me
  namespace: builds
spec:
  selector:
    matchLabels:
      app: build-trigger
  action: ALLOW
  rules:
    - from:
        - source:
            principals: ["mesh.example.com/ns/ci/sa/build-runner"]
      to:
        - operation:
            methods: ["get"]  # read-only
            ports: ["80"]
`;
const TYPO = FIX_ME.replace('name: fix-me', 'name: typo').replace('principals:', 'principal:').replace('["get"]', '["GET"]').replace('["80"]', '["8080"]');

const RobotCommentsSchema = z.record(
  z.string(),
  z.array(z.looseObject({ id: z.string(), line: z.number().optional(), message: z.string().optional(), robot_id: z.string(), fix_suggestions: z.array(z.looseObject({ fix_id: z.string(), description: z.string(), replacements: z.array(z.looseObject({ replacement: z.string() })) })).optional() })),
);

describe.skipIf(!peer)('review fix suggestions against a real Gerrit', () => {
  const project = `fixes-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
  let client: GerritClient;
  let admin: GerritAdminClient;
  let store: SqliteStore;
  let copilot: CopilotDeps;
  let deps: ReviewBotDeps;
  const id = (n: number): string => `${project}~${n}`;
  const enc = encodeURIComponent;

  async function gicMessages(n: number): Promise<string[]> {
    const change = await client.getChange(id(n), { options: ['MESSAGES'] });
    return (change.messages ?? []).filter((m) => m.tag === REVIEW_TAG).map((m) => m.message ?? '');
  }

  beforeAll(async () => {
    if (peer === undefined) throw new Error('unreachable');
    client = new GerritClient({ baseUrl: peer.info.url, credentials: { username: peer.info.user, password: peer.info.password } });
    admin = new GerritAdminClient({ url: peer.info.url, user: peer.info.user, password: peer.info.password });
    await createPolicyRepository(client, admin, project, { label: false });
    store = await openSqliteStore({ dataDir: mkdtempSync(join(tmpdir(), 'gic-review-fixes-')), synchronous: 'normal' });
    copilot = await copilotDeps({ store });
    deps = { copilot, gerrit: client, settings: { ...DEFAULT_REVIEW_SETTINGS, project, account: peer.info.user } };
  });

  afterAll(async () => {
    await store?.close();
    await client?.close();
    await peer?.stop();
  });

  it('posts mechanical fixes as robot comments with fix_suggestions, which Gerrit applies to a clean patch set', async () => {
    const n = await commitFiles(client, project, { 'policies/builds/fix-me.yaml': FIX_ME, 'policies/builds/typo.yaml': TYPO }, 'A policy with mechanical mistakes');
    const review = await buildPatchSetReview(deps, { project, change: n });
    expect(review.rendered?.fixSuggestions).toBe('robot-comments');
    await postPatchSetReview(deps, review);

    const robot = await admin.json('GET', `changes/${enc(id(n))}/robotcomments`, RobotCommentsSchema);
    const line = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const on = (path: string, l: number) => (robot[path] ?? []).find((c) => c.line === l);
    const method = on('policies/builds/fix-me.yaml', line(FIX_ME, 'methods:'));
    const port = on('policies/builds/fix-me.yaml', line(FIX_ME, 'ports:'));
    const typo = on('policies/builds/typo.yaml', line(TYPO, 'principal:'));
    expect(method?.message).toMatch(/^GIC104 \(warning\)/);
    expect(method?.fix_suggestions?.map((f) => f.replacements.map((r) => r.replacement))).toEqual([['"GET"']]);
    expect(port?.message).toMatch(/GIC118 \(warning\)/);
    expect(port?.fix_suggestions?.map((f) => f.replacements.map((r) => r.replacement))).toEqual([['"8080"']]);
    expect(typo?.message).toMatch(/crd\.unknown-field/);
    expect(typo?.fix_suggestions?.map((f) => f.replacements.map((r) => r.replacement))).toEqual([['principals']]);
    for (const c of [method, port, typo]) expect(c?.robot_id).toBe('gic');
    // Exactly one review; it votes -1 for the schema error (the project has no Policy-Check label, so
    // the message says so instead of voting).
    expect(await gicMessages(n)).toHaveLength(1);
    expect(review.result?.vote).toBe(-1);

    // The author clicks "Apply fix": Gerrit 3.9 merges fixes of different files into one change edit
    // (a second fix on a file the edit already changes answers 409), so the port fix waits for the next
    // patch set, whose review offers it again.
    for (const c of [method, typo]) await admin.call('POST', `changes/${enc(id(n))}/revisions/2/fixes/${enc(c!.fix_suggestions![0]!.fix_id)}/apply`, { body: {} });
    await client.publishEdit(id(n));
    const next = await buildPatchSetReview(deps, { project, change: n });
    expect(next.patchset).toBe(3);
    await postPatchSetReview(deps, next);
    const again = await admin.json('GET', `changes/${enc(id(n))}/robotcomments`, RobotCommentsSchema);
    const portAgain = (again['policies/builds/fix-me.yaml'] ?? []).find((c) => c.line === line(FIX_ME, 'ports:') && (c as { patch_set?: number }).patch_set === 3);
    expect(portAgain?.fix_suggestions?.map((f) => f.replacements.map((r) => r.replacement))).toEqual([['"8080"']]);
    await admin.call('POST', `changes/${enc(id(n))}/revisions/3/fixes/${enc(portAgain!.fix_suggestions![0]!.fix_id)}/apply`, { body: {} });
    await client.publishEdit(id(n));
    const fixed = await buildPatchSetReview(deps, { project, change: n });
    expect(fixed.patchset).toBe(4);
    expect(await client.getFileContent(id(n), 'current', 'policies/builds/fix-me.yaml')).toBe(FIX_ME.replace('["get"]', '["GET"]').replace('["80"]', '["8080"]'));
    expect(await client.getFileContent(id(n), 'current', 'policies/builds/typo.yaml')).toBe(TYPO.replace('principal:', 'principals:'));
    const codes = (fixed.result?.comments ?? []).map((c) => c.message);
    expect(codes.filter((m) => /GIC104|GIC118|crd\.unknown-field/.test(m))).toEqual([]);
    expect(fixed.result?.validation.summary.errors).toBe(0);
  });

  it('a fix Gerrit refuses: the review is posted again with the fix in the text only, once', async () => {
    const n = await commitFiles(client, project, { 'policies/builds/fix-me.yaml': FIX_ME }, 'Lower-case method again');
    const review = await buildPatchSetReview(deps, { project, change: n });
    const rendered = review.rendered!;
    const robot = rendered.input.robot_comments ?? {};
    expect(Object.keys(robot)).toEqual(['policies/builds/fix-me.yaml']);
    // A replacement whose range ends before it starts: Gerrit answers 400.
    const refused = {
      ...rendered,
      input: {
        ...rendered.input,
        robot_comments: { 'policies/builds/fix-me.yaml': robot['policies/builds/fix-me.yaml']!.map((c) => ({ ...c, fix_suggestions: (c.fix_suggestions ?? []).map((f) => ({ ...f, replacements: f.replacements.map((r) => ({ ...r, range: { ...r.range, start_line: r.range.end_line + 1 } })) })) })) },
      },
    };
    const outcome = await postPatchSetReview(deps, { ...review, rendered: refused });
    expect(outcome.state).toBe('posted');
    expect(await gicMessages(n)).toHaveLength(1);
    expect(await admin.json('GET', `changes/${enc(id(n))}/robotcomments`, RobotCommentsSchema)).toEqual({});
    const comments = (await client.listComments(id(n)))['policies/builds/fix-me.yaml'] ?? [];
    expect(comments.find((c) => c.line === FIX_ME.split('\n').findIndex((l) => l.includes('methods:')) + 1)?.message).toContain('Fix: write "GET"');
    const audit = (await store.listAudit({})).filter((e) => e.action === 'review:post' && (e.evidence as { change?: string }).change === id(n));
    expect(audit.map((e) => (e.evidence as { fixSuggestions?: string }).fixSuggestions)).toEqual(['text (refused)']);
  });

  it('the text mode posts no fix suggestion at all; comments mode puts them on normal comments', async () => {
    const n = await commitFiles(client, project, { 'policies/builds/fix-me.yaml': FIX_ME }, 'Text mode');
    const asText = await buildPatchSetReview({ ...deps, settings: { ...deps.settings, fixSuggestions: 'text' } }, { project, change: n });
    expect(asText.rendered?.fixSuggestions).toBe('text');
    expect(JSON.stringify(asText.rendered?.input)).not.toContain('fix_suggestions');
    const asComments = await buildPatchSetReview({ ...deps, settings: { ...deps.settings, fixSuggestions: 'comments' } }, { project, change: n });
    expect(asComments.rendered?.input.robot_comments).toBeUndefined();
    expect(Object.values(asComments.rendered?.input.comments ?? {}).flat().some((c) => (c.fix_suggestions ?? []).length > 0)).toBe(true);
  });
});
