// Starts a real, throwaway Gerrit for integration tests from its release war: fetches the war with Maven
// if missing (scripts/peers/fetch-gerrit.sh), copies a cached initialised site (init --batch --dev with
// the bundled webhooks plugin), binds it to a free loopback port, starts the daemon, waits until REST
// answers, and obtains basic-auth credentials for the admin account. It must not touch anything outside
// its temp dir and the cache dir, and stop() must leave no JVM behind. Why this version: README.md here.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PeerUnavailableError, type RunningPeer } from '../peer.js';

const execFileAsync = promisify(execFile);

/** Connection details of a started Gerrit; user/password work with HTTP basic auth on `/a/`. */
export interface GerritPeerInfo {
  /** Base URL with a trailing slash, e.g. `http://127.0.0.1:41234/`. */
  url: string;
  user: string;
  password: string;
  /** The server's own version string, from `/config/server/version`. */
  version: string;
}

/** The newest gerrit-war that Maven Central serves here (see README.md); GIC_GERRIT_VERSION overrides. */
export const DEFAULT_GERRIT_VERSION = '3.9.4';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const FETCH_SCRIPT = join(REPO_ROOT, 'scripts/peers/fetch-gerrit.sh');
const INIT_ARGS = ['init', '--batch', '--dev', '--no-auto-start', '--install-plugin', 'webhooks'];
/** Settings shared by every run, written once into the cached template site. */
const TEMPLATE_SETTINGS: ReadonlyArray<readonly [string, string]> = [
  ['auth.type', 'DEVELOPMENT_BECOME_ANY_ACCOUNT'],
  ['sshd.listenAddress', 'off'],
  ['sendemail.enable', 'false'],
  ['plugins.allowRemoteAdmin', 'true'],
  ['index.batchThreads', '1'],
  ['httpd.maxThreads', '16'],
  ['receive.autogc', 'false'],
];
/** Bump when the template's layout or settings change, so stale cached templates are not reused. */
const TEMPLATE_FORMAT = 1;
const READY_TIMEOUT_MS = 300_000;
const STOP_GRACE_MS = 25_000;
const ADMIN_ACCOUNT_ID = 1_000_000;
const ANSI_ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

function cacheRoot(): string {
  const xdg = process.env['XDG_CACHE_HOME'];
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'gic', 'peers');
}

function warPath(version: string): string {
  const repo = process.env['MAVEN_REPO_LOCAL'] ?? join(homedir(), '.m2', 'repository');
  return join(repo, 'com/google/gerrit/gerrit-war', version, `gerrit-war-${version}.war`);
}

function minorOf(version: string): number {
  const match = /^3\.(\d+)/.exec(version);
  return match?.[1] === undefined ? 0 : Number(match[1]);
}

/** Gerrit ≤3.10 runs on Java 17 (the default `java`); 3.11+ needs 21+, so it gets the Temurin JDK here. */
function javaFor(version: string): string {
  const chosen = process.env['GIC_GERRIT_JAVA'];
  if (chosen !== undefined && chosen !== '') return chosen;
  const temurin = '/usr/lib/jvm/temurin-25-jdk-amd64/bin/java';
  if (minorOf(version) >= 11 && existsSync(temurin)) return temurin;
  return 'java';
}

function javaOptions(): string[] {
  const extra = process.env['GIC_GERRIT_JAVA_OPTS'];
  // C1 only: on 2 busy cores the daemon is ready in ~10-14 s instead of ~20-30 s with C2.
  const base = ['-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.security.egd=file:/dev/./urandom'];
  return extra === undefined || extra === '' ? base : [...base, ...extra.split(/\s+/).filter((s) => s !== '')];
}

async function ensureWar(version: string): Promise<string> {
  const war = warPath(version);
  if (existsSync(war)) return war;
  try {
    const { stdout } = await execFileAsync('bash', [FETCH_SCRIPT], {
      env: { ...process.env, GIC_GERRIT_VERSION: version },
      maxBuffer: 16 * 1024 * 1024,
      timeout: 600_000,
    });
    const fetched = stdout.trim().split('\n').pop() ?? '';
    if (!existsSync(fetched)) throw new Error(`fetch-gerrit.sh printed no war path (${fetched})`);
    return fetched;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    // Keep the script's own lines and Maven's one-line cause, not Maven's help text.
    const why = stderr
      .split('\n')
      .filter((line) => line.startsWith('fetch-gerrit:') || line.includes('Failed to execute goal'))
      .map((line) => line.replace(ANSI_ESCAPE, '').replace(/ -> \[Help 1\]$/, ''))
      .join(' | ');
    throw new PeerUnavailableError(`cannot fetch gerrit-war ${version} with Maven: ${why || tail(String(error), 600)}`, {
      cause: error,
    });
  }
}

async function checkJava(java: string): Promise<void> {
  try {
    await execFileAsync(java, ['-version'], { timeout: 60_000 });
  } catch (error) {
    throw new PeerUnavailableError(`no usable Java at ${java}: ${String(error)}`, { cause: error });
  }
}

async function gitConfig(file: string, args: string[]): Promise<void> {
  try {
    await execFileAsync('git', ['config', '-f', file, ...args]);
  } catch (error) {
    // `git config --unset` of a missing key exits 5; that is fine.
    if ((error as { code?: unknown }).code === 5 && args[0] === '--unset') return;
    if ((error as { code?: unknown }).code === 'ENOENT') {
      throw new PeerUnavailableError('git is needed to edit gerrit.config and is not installed', { cause: error });
    }
    throw error;
  }
}

/** Returns the cached initialised site for this version, creating it (~15 s) on first use. */
async function templateSite(java: string, war: string, version: string): Promise<string> {
  const key = createHash('sha256')
    .update(JSON.stringify({ version, INIT_ARGS, TEMPLATE_SETTINGS, TEMPLATE_FORMAT, java }))
    .digest('hex')
    .slice(0, 12);
  const template = join(cacheRoot(), `gerrit-site-${version}-${key}`);
  if (existsSync(join(template, 'etc', 'gerrit.config'))) return template;
  await mkdir(cacheRoot(), { recursive: true });
  const work = await mkdtemp(`${template}.init-`);
  const site = join(work, 'site');
  try {
    const home = join(work, 'home');
    await mkdir(home);
    // user.home points into the work dir so no personal ~/.ssh/id_rsa.pub becomes the admin's key.
    await runToCompletion(java, [`-Duser.home=${home}`, '-jar', war, ...INIT_ARGS, '-d', site], work, 600_000);
    if (!existsSync(join(site, 'plugins', 'webhooks.jar'))) {
      throw new Error('gerrit init did not install plugins/webhooks.jar');
    }
    const config = join(site, 'etc', 'gerrit.config');
    for (const [key_, value] of TEMPLATE_SETTINGS) await gitConfig(config, [key_, value]);
    // No cache.directory: caches stay in memory (no H2 files to corrupt when the JVM is killed).
    await gitConfig(config, ['--unset', 'cache.directory']);
    await gitConfig(config, ['--unset', 'container.javaHome']);
    // Runs use the war in ~/.m2, so the 85 MB copy in bin/ and init's logs are not kept.
    await rm(join(site, 'bin', 'gerrit.war'), { force: true });
    await rm(join(site, 'logs'), { recursive: true, force: true });
    await rm(join(site, 'cache'), { recursive: true, force: true });
    await mkdir(join(site, 'logs'));
    try {
      await rename(site, template);
    } catch (error) {
      // Another process finished first: use its template.
      if (!existsSync(join(template, 'etc', 'gerrit.config'))) throw error;
    }
    return template;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function runToCompletion(command: string, args: string[], cwd: string, timeoutMs: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = tail(output + chunk.toString('utf8'), 4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise();
      else reject(new Error(`${command} ${args.join(' ')} failed (${code ?? signal}): ${tail(output, 1500)}`));
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

function tail(text: string, max: number): string {
  return text.length <= max ? text : text.slice(text.length - max);
}

function readTail(file: string, max: number): string {
  try {
    return tail(readFileSync(file, 'utf8'), max);
  } catch {
    return '';
  }
}

function stripXssi(body: string): string {
  return body.startsWith(")]}'") ? body.slice(body.indexOf('\n') + 1) : body;
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => resolvePromise(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise(true);
    });
  });
}

/** Polls the anonymous version endpoint until it answers 200; returns the version string. */
async function waitUntilReady(url: string, child: ChildProcess, logFile: string): Promise<string> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited(child)) throw new DaemonExitedError(readTail(logFile, 3000));
    try {
      const response = await fetch(`${url}config/server/version`, { signal: AbortSignal.timeout(5000) });
      if (response.status === 200) return JSON.parse(stripXssi(await response.text())) as string;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Gerrit did not answer ${url}config/server/version within ${READY_TIMEOUT_MS / 1000} s: ${readTail(logFile, 2000)}`);
}

class DaemonExitedError extends Error {
  constructor(readonly logTail: string) {
    super(`Gerrit daemon exited before it was ready: ${logTail}`);
  }
}

async function basicAuthWorks(url: string, user: string, password: string): Promise<boolean> {
  const response = await fetch(`${url}a/accounts/self`, {
    headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
  });
  await response.arrayBuffer();
  return response.status === 200;
}

function cookieFrom(response: Response, name: string): string | undefined {
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(';');
    const at = pair?.indexOf('=') ?? -1;
    if (pair !== undefined && at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * Gets a basic-auth credential for the admin account (id 1000000, made by `init --dev`) the way
 * gerrit.md §1.8 describes: become the account through the dev login, take the XSRF token from the
 * host page, then generate an HTTP password (≤3.12) or an auth token (3.13+). Falls back to init's
 * default `admin`/`secret`.
 */
async function adminCredentials(url: string, version: string): Promise<{ user: string; password: string }> {
  const failures: string[] = [];
  try {
    const login = await fetch(`${url}login/?account_id=${ADMIN_ACCOUNT_ID}`, { redirect: 'manual' });
    await login.arrayBuffer();
    const session = cookieFrom(login, 'GerritAccount');
    if (session === undefined) throw new Error(`dev login answered ${login.status} without a GerritAccount cookie`);
    const hostPage = await fetch(url, { headers: { cookie: `GerritAccount=${session}` } });
    await hostPage.arrayBuffer();
    const xsrf = cookieFrom(hostPage, 'XSRF_TOKEN');
    if (xsrf === undefined) throw new Error('the host page set no XSRF_TOKEN cookie');
    const headers = {
      cookie: `GerritAccount=${session}; XSRF_TOKEN=${xsrf}`,
      'x-gerrit-auth': xsrf,
      'content-type': 'application/json',
    };
    const self = await fetch(`${url}accounts/self`, { headers });
    const account = JSON.parse(stripXssi(await self.text())) as { username?: string };
    const user = account.username;
    if (user === undefined) throw new Error('the admin account has no username');
    const useTokens = minorOf(version) >= 13;
    const response = useTokens
      ? await fetch(`${url}accounts/self/tokens/gic-tests`, { method: 'PUT', headers, body: '{}' })
      : await fetch(`${url}accounts/self/password.http`, { method: 'PUT', headers, body: '{"generate":true}' });
    const text = await response.text();
    if (response.status !== 200 && response.status !== 201) {
      throw new Error(`${useTokens ? 'token' : 'HTTP password'} creation answered ${response.status}: ${text}`);
    }
    const parsed = JSON.parse(stripXssi(text)) as unknown;
    const password = typeof parsed === 'string' ? parsed : (parsed as { token?: string }).token;
    if (password === undefined) throw new Error(`no credential in ${text}`);
    if (await basicAuthWorks(url, user, password)) return { user, password };
    failures.push('the generated credential was refused on /a/accounts/self');
  } catch (error) {
    failures.push(error instanceof Error ? error.message : String(error));
  }
  if (await basicAuthWorks(url, 'admin', 'secret')) return { user: 'admin', password: 'secret' };
  throw new Error(`no admin REST credential: ${failures.join('; ')}; admin/secret refused too`);
}

/** Starts a throwaway Gerrit; see the file comment. */
export async function startGerrit(): Promise<RunningPeer<GerritPeerInfo>> {
  const began = Date.now();
  const version = process.env['GIC_GERRIT_VERSION'] || DEFAULT_GERRIT_VERSION;
  const war = await ensureWar(version);
  const java = javaFor(version);
  await checkJava(java);
  const initBegan = Date.now();
  const template = await templateSite(java, war, version);
  const initMs = Date.now() - initBegan;

  const dir = await mkdtemp(join(tmpdir(), 'gic-gerrit-'));
  const site = join(dir, 'site');
  let child: ChildProcess | undefined;
  const killOnExit = (): void => {
    if (child !== undefined && !exited(child)) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  try {
    await cp(template, site, { recursive: true });
    const home = join(dir, 'home');
    await mkdir(home);
    const logFile = join(dir, 'gerrit.log');
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}/`;
      const config = join(site, 'etc', 'gerrit.config');
      await gitConfig(config, ['httpd.listenUrl', url]);
      await gitConfig(config, ['gerrit.canonicalWebUrl', url]);
      const log = openSync(logFile, 'a');
      const daemonBegan = Date.now();
      try {
        child = spawn(
          java,
          [...javaOptions(), `-Duser.home=${home}`, '-jar', war, 'daemon', '-d', site, '--console-log'],
          { cwd: dir, stdio: ['ignore', log, log] },
        );
      } finally {
        closeSync(log);
      }
      try {
        const served = await waitUntilReady(url, child, logFile);
        const startMs = Date.now() - daemonBegan;
        const credentials = await adminCredentials(url, served);
        process.stderr.write(
          `[gerrit] ${served} ready at ${url} (template ${initMs} ms, daemon start ${startMs} ms, total ${Date.now() - began} ms)\n`,
        );
        return peerFor(child, dir, killOnExit, { url, ...credentials, version: served });
      } catch (error) {
        const portTaken = error instanceof DaemonExitedError && /BindException|Address already in use/.test(error.logTail);
        if (!portTaken || attempt >= 3) throw error;
      }
    }
  } catch (error) {
    if (child !== undefined && !exited(child)) {
      child.kill('SIGKILL');
      await waitForExit(child, 10_000);
    }
    process.off('exit', killOnExit);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

function peerFor(
  child: ChildProcess,
  dir: string,
  killOnExit: () => void,
  info: GerritPeerInfo,
): RunningPeer<GerritPeerInfo> {
  let stopping: Promise<void> | undefined;
  return {
    info,
    stop() {
      stopping ??= (async () => {
        if (!exited(child)) {
          child.kill('SIGTERM');
          if (!(await waitForExit(child, STOP_GRACE_MS))) {
            child.kill('SIGKILL');
            await waitForExit(child, 10_000);
          }
        }
        process.off('exit', killOnExit);
        await rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

