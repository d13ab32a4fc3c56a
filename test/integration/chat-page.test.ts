// The chat page in a real browser (Debian's Chromium driven by playwright-core) against the real
// `gic serve`, the scripted model server and the real Gerrit peer:
// - keyboard only, at desktop width: draft -> clarifying question (answered with its option button) ->
//   verified proposal (YAML with line numbers, access delta with witnesses) -> "Submit for review",
//   the change then read back through Gerrit's REST API; a reload brings the conversation back;
// - at 400 px: ask mode answers with the engine's decision and trace, without horizontal scrolling, and
//   explains what a policy does;
// - a model answer holding <script>, an onerror image and markdown links is shown as inert text;
// - the page's Content-Security-Policy, and an axe-core scan with no serious or critical violation;
// - behind the mesh (trusted-header auth) the page offers only what the caller's Gerrit groups allow.
// Screenshots of each step go to .cache/test-artifacts/chat-page/ (GIC_TEST_ARTIFACTS overrides).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { GerritClient } from '../../src/gerrit/gerrit-client.js';
import { REPO_ROOT } from '../cli/run-gic.js';
import { chromiumForTests } from '../peers/chromium/start-chromium.js';
import { gerritForTests } from '../peers/gerrit/gerrit-test-peer.js';
import type { GerritPeerInfo } from '../peers/gerrit/start-gerrit.js';
import { createScriptedModelServer, type ScriptedModelServer } from '../peers/model/scripted-model-server.js';
import type { RunningPeer } from '../peers/peer.js';
import { type GicServeProcess, startGicServe } from '../support/gic-serve-process.js';

const gerrit: RunningPeer<GerritPeerInfo> | undefined = await gerritForTests();
const chromium: RunningPeer<{ browser: Browser }> | undefined = await chromiumForTests();
const peer = gerrit !== undefined && chromium !== undefined ? { gerrit, chromium } : undefined;

const ARTIFACTS = process.env['GIC_TEST_ARTIFACTS'] ?? join(REPO_ROOT, '.cache', 'test-artifacts', 'chat-page');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** axe-core run in the page (evaluated through the DevTools protocol, so the page's CSP stays on). */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const result = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as { violations: { id: string; impact: string | null; help: string; nodes: { target: unknown }[] }[] };
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}

/** Presses Tab until the element with `id` has the focus (keyboard only); fails after `max` presses. */
async function tabTo(page: Page, id: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    if ((await page.evaluate('document.activeElement && document.activeElement.id')) === id) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`#${id} never got the focus after ${max} Tab presses`);
}

describe.skipIf(!peer)('the chat page in Chromium', { timeout: 300_000 }, () => {
  const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
  const project = `chat-policies-${suffix}`;
  let dir: string;
  let model: ScriptedModelServer;
  let client: GerritClient;
  let drafting: GicServeProcess;
  let chatting: GicServeProcess;
  let guarded: GicServeProcess;

  beforeAll(async () => {
    if (peer === undefined) throw new Error('unreachable');
    const info = peer.gerrit.info;
    dir = mkdtempSync(join(tmpdir(), 'gic-chat-page-'));
    client = new GerritClient({ baseUrl: info.url, credentials: { username: info.user, password: info.password } });
    await client.createProject(project, { create_empty_commit: true, branches: ['master'] });
    await client.createGroup('release-managers', { description: 'Cut releases' }).catch(() => undefined);
    writeFileSync(join(dir, 'gerrit-password'), `${info.password}\n`);
    model = await createScriptedModelServer();
    const common = ['--mesh', 'examples/demo-mesh', '--model-url', model.baseUrl, '--model', 'scripted-model'];
    drafting = await startGicServe([...common, '--data-dir', join(dir, 'drafting'), '--chat-mode', 'draft', '--gerrit-url', info.url, '--gerrit-user', info.user, '--gerrit-password-file', join(dir, 'gerrit-password'), '--policy-project', project, '--policy-path', 'deploy/istio']);
    chatting = await startGicServe([...common, '--data-dir', join(dir, 'chatting'), '--gerrit-snapshot', 'examples/demo-gerrit', '--chat-mode', 'auto']);
    guarded = await startGicServe([...common, '--data-dir', join(dir, 'guarded'), '--gerrit-snapshot', 'examples/demo-gerrit', '--auth', 'trusted-header', '--propose-groups', 'release-managers']);
  });
  afterAll(async () => {
    await drafting?.stop();
    await chatting?.stop();
    await guarded?.stop();
    await model?.close();
    await client?.close();
    await chromium?.stop();
    await gerrit?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('keyboard only: draft, clarify, propose, submit for review; the change is in Gerrit; a reload keeps the conversation', async () => {
    if (peer === undefined) throw new Error('unreachable');
    const intent = { action: 'allow', namespace: 'builds', workload: 'build-trigger', methods: ['POST'], paths: ['/api/builds'], duration: 'until Friday' };
    model.setScript([
      { kind: 'json', value: { ...intent, who: [{ kind: 'group', name: 'release-manager-team' }] } },
      { kind: 'json', value: { ...intent, who: [{ kind: 'group', name: 'release-managers' }] } },
    ]);
    const context = await peer.chromium.info.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const response = await page.goto(`${drafting.url}/`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForSelector('body[data-ready="true"]');
    await shot(page, '01-start');
    expect(await seriousViolations(page)).toEqual([]);

    await tabTo(page, 'message');
    await page.keyboard.type('let the release-manager-team trigger builds on build-trigger, but only POST /api/builds, until Friday');
    await page.keyboard.press('Control+Enter');
    // The question arrives with its option as a button, and the button has the focus.
    await page.waitForSelector('.questions button');
    expect(await page.textContent('.questions .question')).toBe('There is no Gerrit group "release-manager-team". Which group did you mean?');
    expect(await page.evaluate('document.activeElement && document.activeElement.textContent')).toBe('release-managers');
    await shot(page, '02-question');
    await page.keyboard.press('Enter');

    await page.waitForSelector('#proposal:not([hidden])');
    await page.waitForSelector('#proposal-status.ok');
    const yamlLines = await page.$$eval('#proposal-yaml li', (items) => items.map((li) => li.textContent));
    expect(yamlLines[0]).toContain('# gic intent: allow group release-managers to POST /api/builds on builds/build-trigger');
    expect(yamlLines).toContain('kind: AuthorizationPolicy');
    expect(await page.$$eval('#proposal-changes tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)))).toEqual([
      ['granted (DENY → ALLOW)', 'builds/build-trigger', expect.stringContaining('may now POST /api/builds on builds/build-trigger'), expect.stringContaining('with groups release-managers → POST /api/builds builds/build-trigger:8080')],
    ]);
    expect(await page.textContent('#proposal-facts')).toMatch(/Expires\d{4}-\d{2}-\d{2}T00:00:00Z/);
    await shot(page, '03-proposal');
    expect(await seriousViolations(page)).toEqual([]);

    await tabTo(page, 'submit-proposal');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#submit-status a');
    const link = await page.getAttribute('#submit-status a', 'href');
    expect(link).toMatch(new RegExp(`/c/${project}/\\+/\\d+$`));
    expect(await page.evaluate('document.activeElement && document.activeElement.tagName')).toBe('A');
    await shot(page, '04-submitted');

    // The change, through Gerrit's REST API: one open change whose file is the proposal's YAML.
    const number = Number(/(\d+)$/.exec(link ?? '')?.[1]);
    const change = await client.getChange(`${project}~${number}`);
    expect(change.status).toBe('NEW');
    const files = Object.keys(await client.listFiles(`${project}~${number}`, 'current')).filter((f) => f !== '/COMMIT_MSG');
    expect(files).toEqual([expect.stringMatching(/^deploy\/istio\/builds\/allow-build-trigger-release-managers-[0-9a-f]+\.yaml$/)]);
    expect(await client.getFileContent(`${project}~${number}`, 'current', files[0] as string)).toBe(`${yamlLines.join('\n')}\n`);

    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await page.waitForSelector('#proposal:not([hidden])');
    expect(await page.$$eval('#log .msg.user .text', (items) => items.map((i) => i.textContent))).toEqual(['let the release-manager-team trigger builds on build-trigger, but only POST /api/builds, until Friday', 'I meant release-managers']);
    expect(await page.getAttribute('#submit-status a', 'href')).toBe(link);
    await shot(page, '05-reloaded');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('at 400 px: ask mode answers with the decision and the trace, without horizontal scrolling', async () => {
    if (peer === undefined) throw new Error('unreachable');
    const context = await peer.chromium.info.browser.newContext({ viewport: { width: 400, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${drafting.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.selectOption('#ask-from', 'ci/build-runner');
    await page.selectOption('#ask-to', 'builds/build-trigger');
    await page.fill('#ask-port', '8080');
    await page.fill('#ask-method', 'POST');
    await page.fill('#ask-path', '/api/builds');
    await page.click('#ask-send');
    await page.waitForSelector('#ask-result .trace li');
    expect(await page.textContent('#ask-result .verdict')).toBe('Decision: DENY (http)');
    expect((await page.$$('#ask-result .trace li')).length).toBeGreaterThan(2);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(400);
    await shot(page, '06-ask-400px');
    expect(await seriousViolations(page)).toEqual([]);
    // "What does this policy do?", explained from the engine's facts.
    await page.selectOption('#explain-policy', 'builds/build-trigger-allow');
    await page.click('#explain-send');
    await page.waitForSelector('#ask-result h3:has-text("Policy builds/build-trigger-allow")');
    expect(await page.textContent('#ask-result .explanation')).toContain('build-trigger');
    await shot(page, '07-explain-400px');
    await context.close();
  });

  it('a model answer holding a script, an onerror image and markdown links is shown as text and runs nothing', async () => {
    if (peer === undefined) throw new Error('unreachable');
    const hostile = 'Done <script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> [open](javascript:window.__pwned=3) **now**';
    model.setScript([{ kind: 'text', text: hostile, stream: { chunkChars: 5 } }]);
    const context = await peer.chromium.info.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${chatting.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.fill('#message', 'what can I do?');
    await page.click('#send');
    await page.waitForSelector('#log .msg.assistant .text:has-text("**now**")');
    expect(await page.$$eval('#log .msg.assistant .text', (items) => items.map((i) => i.textContent))).toEqual([hostile]);
    expect(await page.$$('#log script, #log img, #log a')).toHaveLength(0);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    await shot(page, '08-hostile-answer');
    await context.close();
  });

  it('offers only what the Gerrit groups of the caller allow (identity from the mesh)', async () => {
    if (peer === undefined) throw new Error('unreachable');
    const as = (user: string, groups: string[]): Record<string, string> => ({ 'x-gic-jwt-payload': Buffer.from(JSON.stringify({ iss: 'https://idp.example.com', sub: user, groups })).toString('base64url') });
    const developer = await peer.chromium.info.browser.newContext({ viewport: { width: 1280, height: 900 }, extraHTTPHeaders: as('dana', ['developers']) });
    const page = await developer.newPage();
    await page.goto(`${guarded.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.textContent('#who')).toBe('Signed in as user:dana (groups: developers)');
    expect(await page.isHidden('#chat-form')).toBe(true);
    expect(await page.textContent('#chat-off')).toBe('Your groups do not allow drafting policies; you can still ask the engine.');
    expect(await page.isHidden('#intent')).toBe(true);
    expect(await page.isVisible('#ask')).toBe(true);
    await shot(page, '09-developer');
    await developer.close();

    const releaseManager = await peer.chromium.info.browser.newContext({ viewport: { width: 1280, height: 900 }, extraHTTPHeaders: as('rita', ['release-managers']) });
    const page2 = await releaseManager.newPage();
    await page2.goto(`${guarded.url}/`);
    await page2.waitForSelector('body[data-ready="true"]');
    expect(await page2.isVisible('#chat-form')).toBe(true);
    expect(await page2.isVisible('#intent')).toBe(true);
    await releaseManager.close();
  });
});
