// Test helper: the real gic MCP server as a user runs it, in a child process: `gic mcp` over stdio with
// the SDK's StdioClientTransport, or `gic serve --port 0` over HTTP (the URL read from its first stdout
// line) with the SDK's StreamableHTTPClientTransport. A fresh data directory per server. Not a test.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client, type ClientOptions } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { REPO_ROOT } from '../cli/run-gic.js';

const BIN = join(REPO_ROOT, 'bin', 'gic.js');

export function freshDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'gic-mcp-test-'));
}

/** The environment a test server runs with: no GIC_* settings from the caller's shell, a fresh data dir. */
export function serverEnv(dataDir: string, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('GIC_') && k !== 'KUBECONFIG') env[k] = v;
  return { ...env, GIC_DATA_DIR: dataDir, ...extra };
}

export interface StdioSession {
  readonly client: Client;
  readonly dataDir: string;
  readonly stderr: () => string;
  close(): Promise<void>;
}

export async function connectStdio(args: readonly string[] = [], options: { readonly capabilities?: ClientOptions['capabilities']; readonly dataDir?: string } = {}): Promise<StdioSession> {
  const dataDir = options.dataDir ?? freshDataDir();
  const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp', ...args], cwd: REPO_ROOT, env: serverEnv(dataDir), stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const client = new Client({ name: 'gic-test', version: '1.0.0' }, { capabilities: options.capabilities ?? {} });
  await client.connect(transport);
  return { client, dataDir, stderr: () => stderr, close: () => client.close() };
}

export interface ServeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  readonly dataDir: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code once the process ended. */
  readonly exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startServe(args: readonly string[] = [], options: { readonly env?: Readonly<Record<string, string>>; readonly dataDir?: string } = {}): Promise<ServeProcess> {
  const dataDir = options.dataDir ?? freshDataDir();
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { cwd: REPO_ROOT, env: serverEnv(dataDir, options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gic serve printed no URL within 90 s\nstdout: ${out}\nstderr: ${err}`)), 90_000);
    const check = (): void => {
      const m = /listening on (http:\/\/\S+?) /.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gic serve exited with ${code} before listening\nstdout: ${out}\nstderr: ${err}`));
    });
  });
  return {
    url,
    child,
    dataDir,
    stdout: () => out,
    stderr: () => err,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

export async function connectHttp(url: string, options: { readonly headers?: Readonly<Record<string, string>>; readonly capabilities?: ClientOptions['capabilities'] } = {}): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), options.headers === undefined ? {} : { requestInit: { headers: { ...options.headers } } });
  const client = new Client({ name: 'gic-test', version: '1.0.0' }, { capabilities: options.capabilities ?? {} });
  await client.connect(transport);
  return client;
}
