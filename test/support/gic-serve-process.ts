// Test helper: runs the real `gic serve` (bin/gic.js) in a child process on a free loopback port and
// waits for its "listening on URL" line; stop() sends SIGTERM and waits for the exit. Shared by the
// chat API and chat page tests; it is not a test itself.
import { spawn } from 'node:child_process';

import { REPO_ROOT } from '../cli/run-gic.js';

export interface GicServeProcess {
  /** `http://127.0.0.1:PORT`, without a trailing slash. */
  readonly url: string;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  stop(): Promise<number | null>;
}

export function startGicServe(args: readonly string[], options: { env?: Readonly<Record<string, string | undefined>>; timeoutMs?: number } = {}): Promise<GicServeProcess> {
  const env = { ...process.env };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const child = spawn(process.execPath, ['bin/gic.js', 'serve', '--port', '0', '--host', '127.0.0.1', ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gic serve did not start within ${options.timeoutMs ?? 60_000} ms:\n${output}`));
    }, options.timeoutMs ?? 60_000);
    const onData = (chunk: string): void => {
      output += chunk;
      const m = /listening on (http:\/\/\S+?)[\s,;)]/.exec(output);
      if (m !== null) {
        clearTimeout(timer);
        resolve({
          url: (m[1] as string).replace(/\/+$/, ''),
          output: () => output,
          stop: async () => {
            if (child.exitCode === null) child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gic serve exited (${code}) before listening:\n${output}`));
    });
  });
}
