import { resolve } from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadConfig } from './load-config.js';

const files: Record<string, string> = {
  'gic.yaml': 'gerrit:\n  url: https://file.example.com/\n  user: file-user\n  password: from-file\n  timeoutMs: 5000\naccess:\n  claim: {claim: teams}\n',
  'secret.txt': 'from-password-file\nignored second line\n',
  'bad.yaml': 'gerrit: [unclosed',
  'unknown.yaml': 'gerrit:\n  urll: https://typo.example.com/\n',
};
const readFile = (path: string): Promise<string> => {
  const text = files[path];
  return text === undefined ? Promise.reject(new Error(`ENOENT: ${path}`)) : Promise.resolve(text);
};

describe('loadConfig', () => {
  it('gives defaults with nothing set', async () => {
    const { config, file } = await loadConfig({ env: {}, flags: {}, readFile });
    expect(file).toBeUndefined();
    expect(config.gerrit).toEqual({ timeoutMs: 30_000, connections: 8, concurrency: 8, retry: { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 10_000 } });
    expect(config.access.claim).toEqual({ claim: 'groups', valueKind: 'name' });
  });

  it('review.base: mesh by default, repository from GIC_REVIEW_BASE or --review-base, anything else refused', async () => {
    expect((await loadConfig({ env: {}, flags: {}, readFile })).config.review.base).toBe('mesh');
    expect((await loadConfig({ env: { GIC_REVIEW_BASE: 'repository' }, flags: {}, readFile })).config.review.base).toBe('repository');
    expect((await loadConfig({ env: { GIC_REVIEW_BASE: 'repository' }, flags: { 'review-base': 'mesh' }, readFile })).config.review.base).toBe('mesh');
    await expect(loadConfig({ env: { GIC_REVIEW_BASE: 'branch' }, flags: {}, readFile })).rejects.toThrow(/review\.base/);
  });

  it('review.fixSuggestions and review.failOn: defaults, environment, flags, anything else refused', async () => {
    const defaults = (await loadConfig({ env: {}, flags: {}, readFile })).config.review;
    expect([defaults.fixSuggestions, defaults.failOn]).toEqual(['auto', 'error']);
    const fromEnv = (await loadConfig({ env: { GIC_REVIEW_FIX_SUGGESTIONS: 'text', GIC_REVIEW_FAIL_ON: 'warning' }, flags: {}, readFile })).config.review;
    expect([fromEnv.fixSuggestions, fromEnv.failOn]).toEqual(['text', 'warning']);
    const fromFlags = (await loadConfig({ env: { GIC_REVIEW_FIX_SUGGESTIONS: 'text' }, flags: { 'review-fix-suggestions': 'robot-comments', 'review-fail-on': 'info' }, readFile })).config.review;
    expect([fromFlags.fixSuggestions, fromFlags.failOn]).toEqual(['robot-comments', 'info']);
    await expect(loadConfig({ env: { GIC_REVIEW_FIX_SUGGESTIONS: 'robots' }, flags: {}, readFile })).rejects.toThrow(/review\.fixSuggestions/);
    await expect(loadConfig({ env: { GIC_REVIEW_FAIL_ON: 'fatal' }, flags: {}, readFile })).rejects.toThrow(/review\.failOn/);
  });

  it('layers defaults <- file (GIC_CONFIG) <- environment <- flags', async () => {
    const fileOnly = await loadConfig({ env: { GIC_CONFIG: 'gic.yaml' }, readFile });
    expect(fileOnly.file).toBe('gic.yaml');
    expect(fileOnly.config.gerrit).toMatchObject({ url: 'https://file.example.com/', user: 'file-user', password: 'from-file', timeoutMs: 5_000, concurrency: 8 });
    expect(fileOnly.config.access.claim).toEqual({ claim: 'teams', valueKind: 'name' });

    const env = { GIC_CONFIG: 'gic.yaml', GIC_GERRIT_URL: 'https://env.example.com/', GIC_GERRIT_USER: 'env-user', GIC_GERRIT_CONCURRENCY: '4', GIC_GROUPS_CLAIM_VALUES: 'uuid' };
    const withEnv = await loadConfig({ env, readFile });
    expect(withEnv.config.gerrit).toMatchObject({ url: 'https://env.example.com/', user: 'env-user', password: 'from-file', concurrency: 4, timeoutMs: 5_000 });
    expect(withEnv.config.access.claim).toEqual({ claim: 'teams', valueKind: 'uuid' });

    const withFlags = await loadConfig({ env, readFile, flags: { 'gerrit-url': 'https://flag.example.com/', 'gerrit-password-file': 'secret.txt', 'groups-claim': 'groups' } });
    expect(withFlags.config.gerrit).toMatchObject({ url: 'https://flag.example.com/', user: 'env-user', password: 'from-password-file' });
    expect(withFlags.config.access.claim).toEqual({ claim: 'groups', valueKind: 'uuid' });
  });

  it('--config beats GIC_CONFIG; GIC_GERRIT_PASSWORD beats a password file from the file layer', async () => {
    const { config, file } = await loadConfig({ env: { GIC_CONFIG: 'missing.yaml', GIC_GERRIT_PASSWORD: 'from-env' }, flags: { config: 'gic.yaml' }, readFile });
    expect(file).toBe('gic.yaml');
    expect(config.gerrit.password).toBe('from-env');
  });

  it('resolves the data directory: --data-dir <- GIC_DATA_DIR <- file <- $XDG_STATE_HOME/gic <- ~/.local/state/gic', async () => {
    const dataDir = async (env: Record<string, string>, flags: Record<string, string> = {}): Promise<string> => (await loadConfig({ env, flags, readFile })).config.data.dir;
    expect(await dataDir({ HOME: '/home/alice' })).toBe('/home/alice/.local/state/gic');
    expect(await dataDir({ HOME: '/home/alice', XDG_STATE_HOME: '/var/state' })).toBe('/var/state/gic');
    // The XDG spec says to ignore a relative XDG_STATE_HOME.
    expect(await dataDir({ HOME: '/home/alice', XDG_STATE_HOME: 'state' })).toBe('/home/alice/.local/state/gic');
    expect(await dataDir({ HOME: '/home/alice', XDG_STATE_HOME: '/var/state', GIC_DATA_DIR: '/srv/gic' })).toBe('/srv/gic');
    expect(await dataDir({ GIC_DATA_DIR: '/srv/gic' }, { 'data-dir': '/tmp/gic-data' })).toBe('/tmp/gic-data');
    expect(await dataDir({}, { 'data-dir': 'relative/dir' })).toBe(resolve('relative/dir'));
    files['data.yaml'] = 'data:\n  dir: /etc-file/gic\n  busyTimeoutMs: 250\n';
    const fromFile = await loadConfig({ env: { GIC_CONFIG: 'data.yaml', HOME: '/home/alice' }, readFile });
    expect(fromFile.config.data).toEqual({ dir: '/etc-file/gic', busyTimeoutMs: 250 });
    expect((await loadConfig({ env: { HOME: '/h' }, readFile })).config.data.busyTimeoutMs).toBe(5_000);
  });

  it('reports bad input with the right error codes', async () => {
    await expect(loadConfig({ env: {}, flags: { config: 'nope.yaml' }, readFile })).rejects.toMatchObject({ code: 'input-unreadable' });
    await expect(loadConfig({ env: {}, flags: { config: 'bad.yaml' }, readFile })).rejects.toMatchObject({ code: 'usage' });
    await expect(loadConfig({ env: {}, flags: { config: 'unknown.yaml' }, readFile })).rejects.toThrow(/gerrit: Unrecognized key/);
    await expect(loadConfig({ env: { GIC_GERRIT_TIMEOUT_MS: 'soon' }, readFile })).rejects.toThrow('GIC_GERRIT_TIMEOUT_MS must be a whole number');
    await expect(loadConfig({ env: { GIC_GERRIT_URL: 'ftp://x' }, readFile })).rejects.toMatchObject({ code: 'usage' });
    await expect(loadConfig({ env: { GIC_GROUPS_CLAIM_VALUES: 'email' }, readFile })).rejects.toThrow(/valueKind/);
    await expect(loadConfig({ env: {}, flags: { 'gerrit-password-file': 'absent.txt' }, readFile })).rejects.toMatchObject({ code: 'input-unreadable' });
  });

  it('reads the policy repository from file, GIC_POLICY_* and --policy-* flags, with defaults', async () => {
    const defaults = await loadConfig({ env: {}, readFile });
    expect(defaults.config.policyRepo).toEqual({ branch: 'master', path: 'policies' });
    const env = { GIC_POLICY_PROJECT: 'mesh-config', GIC_POLICY_BRANCH: 'main', GIC_POLICY_PATH: 'deploy/istio' };
    expect((await loadConfig({ env, readFile })).config.policyRepo).toEqual({ project: 'mesh-config', branch: 'main', path: 'deploy/istio' });
    const flags = { 'policy-project': 'other', 'policy-path': 'istio/policies' };
    expect((await loadConfig({ env, flags, readFile })).config.policyRepo).toEqual({ project: 'other', branch: 'main', path: 'istio/policies' });
    await expect(loadConfig({ env: { GIC_POLICY_PATH: '/abs/path' }, readFile })).rejects.toThrow(/policyRepo.path/);
    await expect(loadConfig({ env: { GIC_POLICY_PATH: 'a/../b' }, readFile })).rejects.toMatchObject({ code: 'usage' });
  });

  it('reads the model section: URL, name, secret key, repeatable allow-list flag over the comma-separated environment', async () => {
    const defaults = (await loadConfig({ env: {}, readFile })).config.model;
    expect(defaults).toEqual({ allowHosts: [], clusterDomain: 'cluster.local', timeoutMs: 120_000, connectTimeoutMs: 10_000, maxRetries: 2, concurrency: 2, structuredOutput: 'json_schema' });
    const env = { GIC_MODEL_URL: 'http://vllm.models.svc:8000/v1', GIC_MODEL: 'qwen', GIC_MODEL_API_KEY: 'k', GIC_MODEL_ALLOW_HOSTS: 'a.example, 10.0.0.0/8,', GIC_MODEL_STRUCTURED_OUTPUT: 'ollama_format' };
    const fromEnv = (await loadConfig({ env, readFile })).config.model;
    expect(fromEnv).toMatchObject({ url: 'http://vllm.models.svc:8000/v1', model: 'qwen', apiKey: 'k', allowHosts: ['a.example', '10.0.0.0/8'], structuredOutput: 'ollama_format' });
    const fromFlags = (await loadConfig({ env, readFile, flags: { 'model-allow-host': ['b.example', '*.gpu.example'], 'model-concurrency': '1', 'cluster-domain': 'corp.local' } })).config.model;
    expect(fromFlags).toMatchObject({ allowHosts: ['b.example', '*.gpu.example'], concurrency: 1, clusterDomain: 'corp.local', model: 'qwen' });
    await expect(loadConfig({ env: { GIC_MODEL_STRUCTURED_OUTPUT: 'grammar' }, readFile })).rejects.toThrow(/model\.structuredOutput/);
    await expect(loadConfig({ env: { GIC_MODEL_URL: 'file:///etc/passwd' }, readFile })).rejects.toMatchObject({ code: 'usage' });
    await expect(loadConfig({ env: {}, flags: { 'model-timeout-ms': 'soon' }, readFile })).rejects.toThrow('flag --model-timeout-ms must be a whole number');
  });
});
