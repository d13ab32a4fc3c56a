// The real model peer: llama.cpp's own `llama-server` (built from the llama.cpp sources vendored in the
// llama-cpp-python sdist) serving Qwen2.5-Coder-Instruct Q4_K_M (1.5B by default, or 0.5B) on a loopback
// port, OpenAI-compatible like the clusters' model servers (docs/reference/platform.md §5.5).
// scripts/peers/fetch-real-model.sh provisions and caches the server binary and the verified weights;
// this file starts the server, waits until the model is loaded (GET /health) and stops it.
// `npm run peer -- model --real [--size 1.5b|0.5b]` provisions on demand; test suites only use what is cached.
import { spawn, type ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { PeerUnavailableError, type RunningPeer } from '../peer.js';

export type RealModelSize = '1.5b' | '0.5b';

/** The served model id per size (llama-server `--alias`). */
export const REAL_MODEL_IDS: Readonly<Record<RealModelSize, string>> = {
  '1.5b': 'qwen2.5-coder-1.5b-instruct',
  '0.5b': 'qwen2.5-coder-0.5b-instruct',
};

/** Joined GGUF sizes (platform.md §5.5): checked again before the server loads the file. */
const GGUF_BYTES: Readonly<Record<RealModelSize, number>> = { '1.5b': 1_117_320_768, '0.5b': 491_400_064 };

export interface RealModelInfo {
  readonly baseUrl: string;
  /** The model id to send (`model` of the request). */
  readonly model: string;
  /** Milliseconds from spawning llama-server to /health answering 200 (the model loaded). */
  readonly loadMs: number;
  readonly threads: number;
}

export interface StartRealModelOptions {
  readonly size?: RealModelSize;
  /** Fetch and build what is missing (downloads ~1.1 GB, builds ~6 min); default false: only what is cached. */
  readonly provision?: boolean;
  /** llama-server threads; default GIC_REAL_MODEL_THREADS or 1 (two collapse on a loaded 2-core machine). */
  readonly threads?: number;
  /** Context size; default 8192. */
  readonly contextSize?: number;
  /** How long loading may take; default 180 s. */
  readonly loadTimeoutMs?: number;
}

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'scripts', 'peers', 'fetch-real-model.sh');

/** Runs the provisioning script; returns the cached server binary and model paths. */
async function provision(size: RealModelSize, fetchMissing: boolean): Promise<{ server: string; model: string }> {
  const args = [SCRIPT, '--size', size, ...(fetchMissing ? [] : ['--cached-only'])];
  const child = spawn('bash', args, { env: { ...process.env, GIC_REAL_MODEL: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    if (fetchMissing) process.stderr.write(chunk);
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) {
    throw new PeerUnavailableError(`the real model peer is not provisioned (fetch-real-model.sh exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
  const line = stdout.trim().split('\n').at(-1) ?? '';
  const parsed = JSON.parse(line) as { server: string; models: Partial<Record<RealModelSize, string>> };
  const model = parsed.models[size];
  if (model === undefined) throw new PeerUnavailableError(`fetch-real-model.sh printed no ${size} model: ${line}`);
  const bytes = (await stat(model)).size;
  if (bytes !== GGUF_BYTES[size]) throw new PeerUnavailableError(`${model} has ${bytes} bytes, expected ${GGUF_BYTES[size]}: remove it and provision again`);
  return { server: parsed.server, model };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function threadsFromEnv(): number | undefined {
  const text = process.env['GIC_REAL_MODEL_THREADS'];
  return text === undefined || !/^\d+$/.test(text) ? undefined : Number(text);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Starts llama-server with the cached (or, with `provision`, fetched) model; resolves once it is loaded. */
export async function startRealModel(options: StartRealModelOptions = {}): Promise<RunningPeer<RealModelInfo>> {
  const size = options.size ?? '1.5b';
  const { server, model } = await provision(size, options.provision ?? false);
  const port = await freePort();
  const threads = options.threads ?? threadsFromEnv() ?? 1;
  const id = REAL_MODEL_IDS[size];
  const args = ['-m', model, '--host', '127.0.0.1', '--port', String(port), '-t', String(threads), '-c', String(options.contextSize ?? 8192), '--jinja', '--alias', id, '--no-webui', '-np', '1', '--metrics'];
  const started = performance.now();
  const child = spawn(server, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    log = (log + chunk).slice(-4_000);
  });
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`llama-server exited (${signal ?? code}) while loading: ${log.trim().split('\n').slice(-5).join(' | ')}`)));
  const deadline = started + (options.loadTimeoutMs ?? 180_000);
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    for (;;) {
      const state = await Promise.race([
        fetch(`${baseUrl}/health`).then(
          (response) => (response.status === 200 ? 'ready' : 'loading'),
          () => 'loading',
        ),
        exited,
      ]);
      if (state === 'ready') break;
      if (state !== 'loading') throw new PeerUnavailableError(state);
      if (performance.now() > deadline) throw new PeerUnavailableError(`llama-server did not load ${model} within ${options.loadTimeoutMs ?? 180_000} ms: ${log.trim().split('\n').slice(-3).join(' | ')}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return {
    info: { baseUrl: `${baseUrl}/v1`, model: id, loadMs: Math.round(performance.now() - started), threads },
    stop: () => stopProcess(child),
  };
}
