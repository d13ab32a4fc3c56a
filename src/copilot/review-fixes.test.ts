import { describe, expect, it } from 'vitest';

import { parseDocuments } from '../policy/parse/parse-documents.js';
import { documentAt, documentNamed, MAX_FIXES_PER_REVIEW, ReviewFixes } from './review-fixes.js';

const policy = (name: string, methods: readonly string[]): string =>
  `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: ${name}\n  namespace: demo\nspec:\n  rules:\n  - to:\n    - operation:\n        methods: [${methods.map((m) => JSON.stringify(m)).join(', ')}]\n`;

function fixesFor(files: Record<string, string>): ReviewFixes {
  return new ReviewFixes(new Map(Object.entries(files)), Object.entries(files).flatMap(([path, text]) => parseDocuments(text, path).documents));
}

describe('ReviewFixes', () => {
  it('finds the document a finding names, in the right file, and gives its proven fix with the description', () => {
    const text = `${policy('a', ['get'])}---\n${policy('b', ['get'])}`;
    const fixes = fixesFor({ 'p.yaml': text, 'q.yaml': policy('b', ['get']) });
    const edit = { kind: 'set-value' as const, field: 'spec.rules[0].to[0].operation.methods[0]', value: 'GET' };
    const fix = fixes.fixFor('p.yaml', documentNamed('AuthorizationPolicy', 'demo', 'b'), edit, 'write "GET"');
    expect(fix).toEqual({ description: 'write "GET"', replacements: [{ path: 'p.yaml', range: { start_line: 21, start_character: 18, end_line: 21, end_character: 23 }, replacement: '"GET"' }] });
    expect(fixes.fixFor('p.yaml', documentAt(1), edit)?.replacements[0]?.range.start_line).toBe(10);
    // No document, an ambiguous match, a file that is not part of the change: no fix.
    expect(fixes.fixFor('p.yaml', documentNamed('AuthorizationPolicy', 'other', 'c'), edit)).toBeUndefined();
    expect(fixes.fixFor('p.yaml', () => true, edit)).toBeUndefined();
    expect(fixes.fixFor('r.yaml', () => true, edit)).toBeUndefined();
  });

  it(`computes at most ${MAX_FIXES_PER_REVIEW} fixes per review (a hostile patch set gets the rest as text)`, () => {
    const methods = Array.from({ length: MAX_FIXES_PER_REVIEW + 20 }, () => 'get');
    const fixes = fixesFor({ 'p.yaml': policy('a', methods) });
    const results = methods.map((_, i) => fixes.fixFor('p.yaml', documentAt(1), { kind: 'set-value', field: `spec.rules[0].to[0].operation.methods[${i}]`, value: 'GET' }));
    expect(results.filter((r) => r !== undefined)).toHaveLength(MAX_FIXES_PER_REVIEW);
    expect(results.slice(MAX_FIXES_PER_REVIEW).every((r) => r === undefined)).toBe(true);
  });
});
