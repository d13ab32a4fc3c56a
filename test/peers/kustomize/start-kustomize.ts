// The kustomize "peer" of the deploy/ tests: builds (once, cached by scripts/peers/build-kustomize.sh)
// a renderer on the kustomize API and renders kustomization directories with it. There is no kubectl
// on the build machines; this is what `kubectl kustomize DIR` would print.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { z } from 'zod';

import { PeerUnavailableError, type RunningPeer } from '../peer.js';

export interface KustomizeInfo {
  readonly binary: string;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function run(command: string, args: readonly string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Builds the renderer if needed; nothing keeps running, so stop() has nothing to do. */
export async function startKustomize(): Promise<RunningPeer<KustomizeInfo>> {
  const built = await run('bash', [path.join(repoRoot, 'scripts/peers/build-kustomize.sh')], 30 * 60_000);
  if (built.code !== 0) throw new PeerUnavailableError(`kustomize renderer build failed: ${built.stderr.trim().slice(-2000)}`);
  const line = built.stdout.trim().split('\n').at(-1) ?? '';
  const info = z.object({ binary: z.string().min(1) }).parse(JSON.parse(line));
  return { info: { binary: info.binary }, stop: async () => undefined };
}

/** Renders one kustomization directory (relative to the repository root) to multi-document YAML. */
export async function renderKustomization(info: KustomizeInfo, dir: string): Promise<string> {
  const result = await run(info.binary, [path.resolve(repoRoot, dir)], 120_000);
  if (result.code !== 0) throw new Error(`kustomize ${dir} failed: ${result.stderr}`);
  return result.stdout;
}
