// Starts the kube-apiserver test peer: a real kube-apiserver (built from Go modules by
// scripts/peers/build-kube.sh) on an embedded etcd, loopback only, in a fresh temp dir, with Istio's and
// the Gateway API's CRDs installed. It never talks to any cluster but the one it started.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { z } from 'zod';
import { PeerUnavailableError } from '../peer.js';
import type { RunningPeer } from '../peer.js';

/** Connection details of a running kube peer (the Go binary's ready line). */
export const KubePeerInfoSchema = z.object({
  kubeconfig: z.string().min(1),
  server: z.url(),
  dataDir: z.string(),
  etcd: z.string(),
  crds: z.number().int(),
  pid: z.number().int(),
});
export type KubePeerInfo = z.infer<typeof KubePeerInfoSchema>;

const BuildResultSchema = z.object({
  binary: z.string().min(1),
  crds: z.array(z.string().min(1)),
  built: z.boolean(),
});
type BuildResult = z.infer<typeof BuildResultSchema>;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const buildScript = path.join(repoRoot, 'scripts/peers/build-kube.sh');

const BUILD_TIMEOUT_MS = 40 * 60_000;
const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 30_000;

/** Keeps the last `max` characters of a stream, for error messages. */
function tailKeeper(max: number): { push(chunk: Buffer): void; text(): string } {
  let buffer = '';
  return {
    push(chunk) {
      buffer = (buffer + chunk.toString('utf8')).slice(-max);
    },
    text: () => buffer,
  };
}

/**
 * Runs the build script. It hashes the Go sources and only compiles when no binary with that hash
 * exists, so this is cheap once built; it also resolves the CRD paths inside the Go module cache.
 */
async function buildPeer(): Promise<BuildResult> {
  const stderr = tailKeeper(4000);
  let stdout = '';
  const child = spawn('bash', [buildScript], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const timer = setTimeout(() => child.kill('SIGTERM'), BUILD_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  }).finally(() => clearTimeout(timer));
  if (code !== 0) {
    throw new PeerUnavailableError(`kube peer build failed (${buildScript}, exit ${String(code)}): ${stderr.text().trim()}`);
  }
  const line = stdout.trim().split('\n').at(-1) ?? '';
  try {
    return BuildResultSchema.parse(JSON.parse(line));
  } catch (error) {
    throw new PeerUnavailableError(`kube peer build printed no usable result: ${line} (${String(error)})`);
  }
}

/** Waits for the child to exit, sending SIGKILL after the timeout. */
async function terminate(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

/** Builds (if needed) and starts the kube-apiserver peer; resolves once it printed its ready line. */
export async function startKube(): Promise<RunningPeer<KubePeerInfo>> {
  const build = await buildPeer();
  const dir = await mkdtemp(path.join(tmpdir(), 'gic-kube-'));
  const args = ['--data-dir', dir, ...build.crds.flatMap((crd) => ['--crd', crd])];
  const child = spawn(build.binary, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = tailKeeper(6000);
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  // Best effort: never leave the server behind if the test process exits without calling stop().
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const cleanup = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    await terminate(child, STOP_TIMEOUT_MS);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const info = await new Promise<KubePeerInfo>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(
        () => reject(new Error(`kube peer not ready after ${START_TIMEOUT_MS / 1000}s; stderr tail:\n${stderr.text()}`)),
        START_TIMEOUT_MS,
      );
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new PeerUnavailableError(`cannot run ${build.binary}: ${error.message}`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`kube peer exited (${String(code ?? signal)}) before it was ready; stderr tail:\n${stderr.text()}`));
      });
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        const newline = stdout.indexOf('\n');
        if (newline === -1) return;
        clearTimeout(timer);
        try {
          resolve(KubePeerInfoSchema.parse(JSON.parse(stdout.slice(0, newline))));
        } catch (error) {
          reject(new Error(`kube peer printed an unexpected ready line: ${stdout.slice(0, newline)} (${String(error)})`));
        }
      });
    });
    await waitForCustomResourceStorage(info);
    return { info, stop: cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/**
 * An Established CRD can still answer 429 "storage is (re)initializing" for a moment while its watch
 * cache starts: wait until every Istio security kind lists in both versions, so tests never see it.
 */
async function waitForCustomResourceStorage(info: KubePeerInfo): Promise<void> {
  const custom = kubeConfigFor(info).makeApiClient(CustomObjectsApi);
  const deadline = Date.now() + 60_000;
  for (const plural of ['authorizationpolicies', 'peerauthentications', 'requestauthentications']) {
    for (const version of ['v1', 'v1beta1']) {
      for (;;) {
        try {
          await custom.listClusterCustomObject({ group: 'security.istio.io', version, plural });
          break;
        } catch (error) {
          if (Date.now() > deadline) throw new Error(`${plural}.${version} not listable after 60s: ${String(error)}`, { cause: error });
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
    }
  }
}

/** A KubeConfig for the peer's admin user (client certificate in group system:masters). */
export function kubeConfigFor(info: { kubeconfig: string }): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(info.kubeconfig);
  return kc;
}
