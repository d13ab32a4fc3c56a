// The CLI's only file input: reads mesh and policy files given as paths. A path is a file (read
// whatever its extension) or a directory read recursively for `*.yaml`, `*.yml`, `*.json`, in a
// deterministic order (code-unit order of names at each level, files and directories interleaved).
// Unreadable input is an AppError `input-unreadable` naming the path and the reason (exit 4). A
// symbolic link loop inside a directory (a link back to an ancestor, or a link to itself) is skipped
// with a warning, as `find -L` does, instead of recursing forever.
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

export interface ReadSourcesOptions {
  /** Told about what was skipped (a symbolic link loop); default: nothing. */
  readonly warn?: (message: string, fields?: Readonly<Record<string, unknown>>) => void;
}

/** Reads every path in order; each directory is expanded recursively. Duplicate files are read once. */
export async function readSources(paths: readonly string[], options: ReadSourcesOptions = {}): Promise<SourceFile[]> {
  const files: string[] = [];
  const warn = options.warn ?? (() => undefined);
  for (const path of paths) files.push(...(await expand(path, true, [], warn)));
  const seen = new Set<string>();
  const sources: SourceFile[] = [];
  for (const file of files) {
    if (seen.has(file)) continue;
    seen.add(file);
    sources.push({ file, text: await readText(file) });
  }
  return sources;
}

/** Reads one file as UTF-8 text (a `--request @file`, an intent file); `-` is standard input. */
export async function readText(file: string, options: { readonly maxBytes?: number; readonly what?: string } = {}): Promise<string> {
  const max = options.maxBytes ?? Number.POSITIVE_INFINITY;
  if (file === '-') return readStdin(max, options.what ?? 'standard input');
  try {
    if (Number.isFinite(max)) {
      const info = await stat(file);
      if (info.isFile() && info.size > max) throw tooLarge(options.what ?? file, info.size, max);
    }
    return await readFile(file, 'utf8');
  } catch (error) {
    if (AppError.isInstance(error)) throw error;
    throw unreadable(file, error);
  }
}

function tooLarge(what: string, size: number, max: number): AppError {
  return new AppError('bad-request', `${what} is ${size} bytes, over the limit of ${max} bytes`, { details: { size, max } });
}

async function readStdin(max: number, what: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of process.stdin) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      size += buffer.length;
      if (size > max) throw tooLarge(what, size, max);
      chunks.push(buffer);
    }
  } catch (error) {
    if (AppError.isInstance(error)) throw error;
    throw unreadable('-', error);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function expand(path: string, explicit: boolean, ancestors: readonly string[], warn: NonNullable<ReadSourcesOptions['warn']>): Promise<string[]> {
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
  const identity = `${info.dev}:${info.ino}`;
  if (ancestors.includes(identity)) {
    warn(`skipped ${path}: a symbolic link loop (it leads back to a directory that contains it)`, { path });
    return [];
  }
  const inside = [...ancestors, identity];
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
      if (errorCode(error) === 'ELOOP') {
        warn(`skipped ${child}: a symbolic link loop`, { path: child });
        continue;
      }
      throw unreadable(child, error);
    }
    if (childInfo.isDirectory()) files.push(...(await expand(child, false, inside, warn)));
    else if (childInfo.isFile() && hasMeshExtension(name)) files.push(child);
  }
  return files;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
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
