// Shared by the analyzer conformance tests: where the golden fixtures live and how their
// `# Expected: CODE, ...` comments are read (one list per document, keyed by kind/namespace/name).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'yaml';

export const ANALYZE_FIXTURES = join(import.meta.dirname, '../fixtures/istio/analyze');

/** The analysis clock of the fixtures (time-bound grants, GIC125): fixed, so the goldens never age. */
export const FIXTURE_NOW = new Date('2026-06-01T00:00:00Z');

export function fixtureFiles(): string[] {
  return readdirSync(ANALYZE_FIXTURES).filter((f) => f.endsWith('.yaml')).sort();
}

/** `kind/namespace/name` -> expected codes (sorted, with repeats), for every document of a fixture. */
export function expectedFindings(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const chunk of text.split(/^---$/m)) {
    const value = parse(chunk) as { kind?: string; metadata?: { name?: string; namespace?: string } } | null;
    if (value === null || typeof value !== 'object' || value.kind === undefined) continue;
    const key = `${value.kind}/${value.metadata?.namespace ?? 'default'}/${value.metadata?.name ?? ''}`;
    const codes = [...chunk.matchAll(/^# Expected: (.+)$/gm)].flatMap((m) => m[1]!.split(',').map((c) => c.trim()));
    out.set(key, codes.sort());
  }
  return out;
}
