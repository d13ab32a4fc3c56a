// An unclosed quote is reported at the line where it opened, not where the parser ran out of input.
import { describe, expect, it } from 'vitest';

import { parseDocuments } from './parse-documents.js';
import { jsonOpenStringOffset, yamlUnclosedQuoteOffset } from './unclosed-quote.js';

describe('unclosed quotes', () => {
  it('reports a YAML double- or single-quoted value that never closes at the line it opens', () => {
    for (const quote of ['"', "'"]) {
      const text = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${quote}shop\n  labels:\n    a: b\n\n\n`;
      const findings = parseDocuments(text, 'ns.yaml').findings;
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({ rule: 'yaml.syntax', line: 4, column: 9 });
      expect(findings[0]?.message).toMatch(/^unclosed quote: the (double|single)-quoted value that starts here is never closed/);
    }
  });

  it('reports a JSON string that never closes at the line it opens', () => {
    const text = '{\n  "apiVersion": "v1",\n  "kind": "Namespace",\n  "metadata": {"name": "shop}\n}\n';
    const findings = parseDocuments(text, 'ns.json').findings;
    expect(findings[0]).toMatchObject({ rule: 'yaml.syntax', line: 4, column: 24 });
    expect(findings[0]?.message).toContain('unclosed string');
  });

  it('finds the opening offset, skipping closed and escaped quotes', () => {
    expect(jsonOpenStringOffset('{"a": "b\\"c', 11)).toBe(6);
    expect(jsonOpenStringOffset('{"a": "b"}', 9)).toBeUndefined();
    expect(yamlUnclosedQuoteOffset("a: 'x''y'\nb: 'open\n", 20)).toBe(13);
    expect(yamlUnclosedQuoteOffset('a: "x"\n', 6)).toBeUndefined();
  });
});
