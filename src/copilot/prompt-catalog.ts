// The prompts of prompts/, read once from disk and parsed (prompt-template.ts). Use cases ask for a
// prompt by id AND version, so changing what a model reads is a deliberate, reviewed edit: a new file
// `<id>.v<N+1>.md` and a new constant in the code, with its golden test.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { AppError } from '../errors.js';
import { parsePromptFile, type PromptTemplate } from './prompt-template.js';

/** The ids and versions the use cases render (one constant per prompt in use). */
export const PROMPTS = {
  explainAccess: { id: 'explain-access', version: 1 },
  draftIntent: { id: 'draft-intent', version: 2 },
  explainChange: { id: 'explain-change', version: 1 },
  repairStructuredOutput: { id: 'repair-structured-output', version: 1 },
  chatAgent: { id: 'chat-agent', version: 1 },
} as const satisfies Readonly<Record<string, { readonly id: string; readonly version: number }>>;

export type PromptRef = (typeof PROMPTS)[keyof typeof PROMPTS];

let cache: Map<string, PromptTemplate> | undefined;

/** The prompts directory: `prompts/` at the repository (or package) root, from src/ or dist/src/. */
export function promptsDirectory(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  for (const up of ['../..', '../../..']) {
    const dir = join(here, up, 'prompts');
    if (existsSync(join(dir, 'README.md'))) return dir;
  }
  throw new AppError('internal', `cannot find the prompts/ directory from ${here}`);
}

/** Every prompt file, parsed (each one checked: front matter, declared = used variables). */
export function loadPromptCatalog(dir = promptsDirectory()): Map<string, PromptTemplate> {
  const out = new Map<string, PromptTemplate>();
  for (const name of readdirSync(dir).filter((f) => /\.v\d+\.md$/.test(f)).sort()) {
    const template = parsePromptFile(name, readFileSync(join(dir, name), 'utf8'));
    out.set(`${template.id}.v${template.version}`, template);
  }
  return out;
}

/** One prompt by id and version (loaded on first use). */
export function getPrompt(ref: { readonly id: string; readonly version: number }): PromptTemplate {
  cache ??= loadPromptCatalog();
  const template = cache.get(`${ref.id}.v${ref.version}`);
  if (template === undefined) throw new AppError('internal', `prompt ${ref.id}.v${ref.version} is not in prompts/`);
  return template;
}
