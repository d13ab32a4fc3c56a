// Test helper: runs the real `gic` command (bin/gic.js) in a child process and captures its exit
// code, stdout and stderr. Shared by the CLI tests; it is not a test itself.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = join(REPO_ROOT, 'test', 'cli', 'fixtures');
const BIN = join(REPO_ROOT, 'bin', 'gic.js');

export interface GicRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `gic ...args` from the repository root; `stdin` is written to its standard input; `env` is added to the environment. */
export function runGic(args: readonly string[], options: { stdin?: string; env?: Readonly<Record<string, string>> } = {}): Promise<GicRun> {
  return new Promise((resolve, reject) => {
    const env = options.env === undefined ? process.env : { ...process.env, ...options.env };
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** Parses stdout as one JSON document, failing with the output when it is not JSON. */
export function jsonOf(run: GicRun): unknown {
  try {
    return JSON.parse(run.stdout) as unknown;
  } catch {
    throw new Error(`stdout is not JSON (exit ${run.code}):\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}
