// Toolsets and the read-only filter (`--toolsets gerrit,mesh,policy,review`, `--read-only`), as
// github-mcp-server's inventory builder does: read-only always wins, and an unknown toolset name is an
// error that lists the valid ones.
import { AppError } from '../src/errors.js';
import { TOOLSETS, type ToolDefinition, type Toolset } from './define-tool.js';

export interface ToolFilter {
  /** Absent: every toolset. */
  readonly toolsets?: readonly string[];
  /** No tool whose effect is not `read` is listed at all. */
  readonly readOnly?: boolean;
}

export function parseToolsets(names: readonly string[]): Toolset[] {
  const out: Toolset[] = [];
  for (const raw of names.flatMap((n) => n.split(','))) {
    const name = raw.trim();
    if (name === '') continue;
    if (name === 'all') return [...TOOLSETS];
    if (!(TOOLSETS as readonly string[]).includes(name)) throw new AppError('usage', `unknown toolset "${name}"; the toolsets are ${TOOLSETS.join(', ')} (or all)`);
    if (!out.includes(name as Toolset)) out.push(name as Toolset);
  }
  return out;
}

export function filterTools(tools: readonly ToolDefinition[], filter: ToolFilter): ToolDefinition[] {
  const sets = filter.toolsets === undefined ? undefined : parseToolsets(filter.toolsets);
  return tools.filter((t) => (sets === undefined || sets.includes(t.toolset)) && (filter.readOnly !== true || t.effect === 'read'));
}
