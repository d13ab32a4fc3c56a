// The CLI's only file input: reads mesh and policy files given as paths. A path is a file (read
// whatever its extension) or a directory read recursively for `*.yaml`, `*.yml`, `*.json`, in a
// deterministic order (code-unit order of names at each level, files and directories interleaved).
// Unreadable input is an AppError `input-unreadable` naming the path and the reason (exit 4).
// It does not parse: YAML problems are findings of the engine, not read errors.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { AppError } from '../errors.js';

export interface SourceFile {
  /** The path as given, or joined under the directory as given. */
  readonly file: string;
  readonly text: string;
}

const MESH_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** Reads every path in order; each directory is expanded recursively. Duplicate files are read once. */
export async function readSources(paths: readonly string[]): Promise<SourceFile[]> {
  const files: string[] = [];
  for (const path of paths) files.push(...(await expand(path, true)));
  const seen = new Set<string>();
  const sources: SourceFile[] = [];
  for (const file of files) {
    if (seen.has(file)) continue;
    seen.add(file);
    sources.push({ file, text: await readText(file) });
  }
  return sources;
}

/** Reads one file as UTF-8 text (a `--request @file`, a `--requests` file); `-` is standard input. */
export async function readText(file: string): Promise<string> {
  if (file === '-') return readStdin();
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw unreadable(file, error);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  } catch (error) {
    throw unreadable('-', error);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function expand(path: string, explicit: boolean): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw unreadable(path, error);
  }
  if (info.isFile()) return explicit || hasMeshExtension(path) ? [path] : [];
  if (!info.isDirectory()) {
    if (explicit) throw unreadable(path, new Error('not a regular file or directory'));
    return [];
  }
  let names: string[];
  try {
    names = await readdir(path);
  } catch (error) {
    throw unreadable(path, error);
  }
  names.sort(compareCodeUnits);
  const files: string[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const child = join(path, name);
    let childInfo;
    try {
      childInfo = await stat(child);
    } catch (error) {
      throw unreadable(child, error);
    }
    if (childInfo.isDirectory()) files.push(...(await expand(child, false)));
    else if (childInfo.isFile() && hasMeshExtension(name)) files.push(child);
  }
  return files;
}

function hasMeshExtension(name: string): boolean {
  const lower = name.toLowerCase();
  return MESH_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a parent of the path is not a directory',
  ELOOP: 'too many symbolic links',
};

function unreadable(path: string, error: unknown): AppError {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  const reason = (code !== undefined ? REASONS[code] : undefined) ?? (error instanceof Error ? error.message : String(error));
  return new AppError('input-unreadable', `cannot read ${path}: ${reason}`, { cause: error, details: { path, reason } });
}
