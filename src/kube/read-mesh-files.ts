// Reads the files of a mesh directory for FileMeshSource (docs/cli.md "The mesh directory"): a path is
// a file, or a directory read recursively for *.yaml, *.yml and *.json in code-unit name order, dot
// files skipped. Unreadable input is an AppError `input-unreadable`. Does not parse.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { AppError } from '../errors.js';

const EXTENSIONS = ['.yaml', '.yml', '.json'];

export async function readMeshFiles(paths: readonly string[]): Promise<{ file: string; text: string }[]> {
  const files: string[] = [];
  for (const path of paths) files.push(...(await expand(path, true)));
  const seen = new Set<string>();
  const out: { file: string; text: string }[] = [];
  for (const file of files) {
    if (seen.has(file)) continue;
    seen.add(file);
    try {
      out.push({ file, text: await readFile(file, 'utf8') });
    } catch (error) {
      throw unreadable(file, error);
    }
  }
  return out;
}

async function expand(path: string, explicit: boolean): Promise<string[]> {
  const info = await stat(path).catch((error: unknown) => {
    throw unreadable(path, error);
  });
  if (info.isFile()) return explicit || EXTENSIONS.some((e) => path.toLowerCase().endsWith(e)) ? [path] : [];
  if (!info.isDirectory()) return [];
  const names = (await readdir(path).catch((error: unknown) => {
    throw unreadable(path, error);
  })).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: string[] = [];
  for (const name of names) if (!name.startsWith('.')) out.push(...(await expand(join(path, name), false)));
  return out;
}

function unreadable(path: string, error: unknown): AppError {
  return new AppError('input-unreadable', `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error, details: { path } });
}
