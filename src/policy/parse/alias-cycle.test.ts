// Alias bombs the yaml library would expand slowly: an alias inside its own anchor (kubectl: "anchor
// value contains itself") and more aliases than the budget are refused before expansion, with the line.
import { describe, expect, it } from 'vitest';

import { parseDocuments } from './parse-documents.js';

describe('alias checks before expansion', () => {
  it('refuses an alias inside the node its anchor names, at the alias, quickly even with 800 of them', () => {
    const started = performance.now();
    const result = parseDocuments(`apiVersion: v1\nkind: ConfigMap\ndata: &a\n  x: [${'*a,'.repeat(800)}]\n`, 'cm.yaml', { maxAliasCount: 10_000 });
    expect(performance.now() - started).toBeLessThan(3000);
    expect(result.documents).toEqual([]);
    expect(result.findings).toMatchObject([{ rule: 'yaml.syntax', line: 4, message: 'anchor "a" value contains itself (an alias inside the node it names); document ignored' }]);
  });

  it('refuses more aliases than the budget without expanding them, naming the line of the first one over', () => {
    const started = performance.now();
    const result = parseDocuments(`a: &a [1]\nb:\n${'- *a\n'.repeat(20_000)}`, 'many.yaml');
    expect(performance.now() - started).toBeLessThan(5000);
    expect(result.findings).toMatchObject([{ rule: 'yaml.limit.aliases', line: 103, message: 'more than 100 aliases (the alias limit); document ignored' }]);
  });

  it('still expands a few aliases of an acyclic anchor', () => {
    const result = parseDocuments('a: &a {x: 1}\nb: *a\nc: [*a, *a]\n', 'ok.yaml');
    expect(result.findings).toEqual([]);
    expect(result.documents[0]?.value).toEqual({ a: { x: 1 }, b: { x: 1 }, c: [{ x: 1 }, { x: 1 }] });
  });
});
