#!/usr/bin/env node
// Entry point of the `gic` command: runs the compiled CLI when `npm run build` produced it, the
// TypeScript sources through tsx otherwise, and always on the Node.js 24 pinned in devDependencies.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const major = Number(process.versions.node.split('.')[0]);
const pinned = join(root, 'node_modules', 'node', 'bin', 'node');
if (major < 24 && existsSync(pinned)) {
  // Re-run on the pinned Node 24. Signals go on to the child (gic serve drains on SIGTERM), and this
  // process exits as the child did.
  const child = spawn(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128 + (constants.signals[signal] ?? 0))));
} else {
  const compiled = join(root, 'dist', 'src', 'cli', 'main.js');
  if (existsSync(compiled)) {
    await import(pathToFileURL(compiled).href);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    await import(pathToFileURL(join(root, 'src', 'cli', 'main.ts')).href);
  }
}
