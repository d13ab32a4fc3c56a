// A prompt file of prompts/ (docs/style.md "prompts/"): `<id>.v<N>.md`, YAML front matter (`id`,
// `version`, `description`, `variables`, `used-by`), then the messages, each introduced by a line
// `<!-- system -->` or `<!-- user -->`, with `{{name}}` placeholders. Parsing checks that every
// placeholder is declared and every declared variable is used; rendering fails on a missing or an
// unknown variable. Variables declared `kind: data` are untrusted: the renderer sanitises and fences
// them (untrusted-text.ts), so a prompt cannot take untrusted text any other way.
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import { AppError } from '../errors.js';
import type { ChatMessage } from '../model/chat-model.js';
import { DEFAULT_MAX_CHARS, fenceUntrusted } from './untrusted-text.js';

const VariableSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-zA-Z0-9]*$/, 'camelCase letters and digits'),
  /** `text`: written by gic (trusted); `data`: untrusted, fenced by the renderer. */
  kind: z.enum(['text', 'data']),
  description: z.string().min(1),
  /** Cap for `data` values (characters). */
  maxChars: z.number().int().positive().optional(),
});
export type PromptVariable = z.infer<typeof VariableSchema>;

const FrontMatterSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'kebab-case'),
  version: z.number().int().positive(),
  description: z.string().min(1),
  variables: z.array(VariableSchema),
  'used-by': z.array(z.string().min(1)).min(1),
});

export interface PromptTemplate {
  readonly id: string;
  readonly version: number;
  readonly description: string;
  readonly variables: readonly PromptVariable[];
  readonly usedBy: readonly string[];
  readonly messages: readonly { readonly role: 'system' | 'user'; readonly template: string }[];
  /** The file it was read from (for messages). */
  readonly file: string;
}

export interface RenderedPrompt {
  readonly id: string;
  readonly version: number;
  readonly messages: ChatMessage[];
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
const ROLE_LINE = /^<!--\s*(system|user)\s*-->\s*$/;

function invalid(file: string, message: string): AppError {
  return new AppError('internal', `prompt file ${file}: ${message}`, { details: { file } });
}

/** Parses one prompt file; `file` is its name (`<id>.v<N>.md`), which must agree with the front matter. */
export function parsePromptFile(file: string, text: string): PromptTemplate {
  const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text.replace(/\r\n/g, '\n'));
  if (match === null) throw invalid(file, 'expected YAML front matter between --- lines at the top');
  let raw: unknown;
  try {
    raw = parseYaml(match[1] ?? '');
  } catch (error) {
    throw invalid(file, `front matter is not YAML: ${(error as Error).message}`);
  }
  const parsed = FrontMatterSchema.safeParse(raw);
  if (!parsed.success) throw invalid(file, parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  const front = parsed.data;
  const base = file.split('/').pop() ?? file;
  if (base !== `${front.id}.v${front.version}.md`) throw invalid(file, `the name must be ${front.id}.v${front.version}.md (id and version of the front matter)`);

  const messages: { role: 'system' | 'user'; template: string }[] = [];
  let current: { role: 'system' | 'user'; lines: string[] } | undefined;
  for (const line of (match[2] ?? '').split('\n')) {
    const role = ROLE_LINE.exec(line);
    if (role !== null) {
      if (current !== undefined) messages.push({ role: current.role, template: current.lines.join('\n').trim() });
      current = { role: role[1] as 'system' | 'user', lines: [] };
    } else if (current !== undefined) current.lines.push(line);
    else if (line.trim() !== '') throw invalid(file, 'text before the first <!-- system --> or <!-- user --> line');
  }
  if (current !== undefined) messages.push({ role: current.role, template: current.lines.join('\n').trim() });
  if (messages.length === 0) throw invalid(file, 'no messages: start each with a line <!-- system --> or <!-- user -->');
  if (messages.some((m) => m.template === '')) throw invalid(file, 'an empty message');

  const declared = new Map(front.variables.map((v) => [v.name, v]));
  if (declared.size !== front.variables.length) throw invalid(file, 'a variable is declared twice');
  const used = new Set(messages.flatMap((m) => [...m.template.matchAll(PLACEHOLDER)].map((p) => p[1] ?? '')));
  for (const name of used) if (!declared.has(name)) throw invalid(file, `{{${name}}} is not declared in variables`);
  for (const name of declared.keys()) if (!used.has(name)) throw invalid(file, `variable ${name} is declared but never used`);
  return { id: front.id, version: front.version, description: front.description, variables: front.variables, usedBy: front['used-by'], messages, file };
}

/**
 * Renders the messages. Every declared variable must be given and nothing else; `data` variables are
 * sanitised and fenced; a value never introduces further placeholders (one pass over the template).
 */
export function renderPrompt(template: PromptTemplate, values: Readonly<Record<string, string>>): RenderedPrompt {
  const declared = new Map(template.variables.map((v) => [v.name, v]));
  const missing = [...declared.keys()].filter((name) => !Object.hasOwn(values, name));
  const unknown = Object.keys(values).filter((name) => !declared.has(name));
  if (missing.length > 0 || unknown.length > 0) {
    const parts = [...(missing.length > 0 ? [`missing ${missing.join(', ')}`] : []), ...(unknown.length > 0 ? [`not declared (unused) ${unknown.join(', ')}`] : [])];
    throw new AppError('internal', `prompt ${template.id}.v${template.version}: ${parts.join('; ')}`, { details: { prompt: template.id, missing, unknown } });
  }
  const rendered = new Map<string, string>();
  for (const [name, variable] of declared) {
    const value = values[name] as string;
    rendered.set(name, variable.kind === 'data' ? fenceUntrusted(name, value, variable.maxChars ?? DEFAULT_MAX_CHARS) : value);
  }
  const messages: ChatMessage[] = template.messages.map((m) => ({ role: m.role, content: m.template.replace(PLACEHOLDER, (_all, name: string) => rendered.get(name) ?? '') }));
  return { id: template.id, version: template.version, messages };
}
