// The architecture's dependency rules (docs/architecture.md) as data, shared by the import test. The
// ESLint config (eslint.config.js) enforces the same rules in editors; this copy holds them in tests.

export const ADAPTERS = ['gerrit', 'kube', 'model', 'store', 'prometheus'] as const;
export const FRONT_ENDS = ['mcp', 'review', 'http', 'cli', 'web'] as const;

/** Top-level areas that production code (src/, tools/) must never import. */
export const NON_PRODUCTION = ['test', 'bench', 'scripts', 'evals'] as const;

/** Repository-relative area of a file: `src/policy`, `src/kube`, `src/errors.ts`, `tools`, `test`, ... */
export function areaOf(relativePath: string): string {
  const parts = relativePath.split('/');
  if (parts[0] === 'src' && parts.length > 2) return `src/${parts[1]}`;
  if (parts[0] === 'src') return relativePath;
  return parts[0] ?? relativePath;
}

/** Why `from` may not import `to` (both repository-relative file paths), or undefined when allowed. */
export function violation(from: string, to: string): string | undefined {
  const source = areaOf(from);
  const target = areaOf(to);
  if (source === target) return undefined;
  const production = source.startsWith('src') || source === 'tools';
  if (production && (NON_PRODUCTION as readonly string[]).includes(target)) {
    return 'production code never imports tests, benchmarks, scripts or evals';
  }
  if (source === 'src/policy') return 'src/policy is the pure engine and imports nothing from the project';
  const adapter = ADAPTERS.find((a) => source === `src/${a}`);
  if (adapter !== undefined) {
    const allowed = ['src/policy', 'src/errors.ts', 'src/log.ts', 'src/tracing.ts', 'src/config'];
    if (!allowed.includes(target)) {
      return `adapter src/${adapter} may import only the engine, src/errors.ts, src/log.ts, src/tracing.ts and src/config`;
    }
  }
  if (source === 'src/copilot' && (target === 'tools' || target === 'src/chat' || FRONT_ENDS.some((f) => target === `src/${f}`))) {
    return 'src/copilot never imports tools/, src/chat or a front-end';
  }
  if ((source === 'src/chat' || source === 'tools') && FRONT_ENDS.some((f) => target === `src/${f}`)) {
    return 'the conversation loop (src/chat) and the tool catalog serve every front-end and import none';
  }
  if (source === 'src/web' && to !== 'src/http/api-types.ts') return 'src/web imports only src/http/api-types.ts';
  return undefined;
}
