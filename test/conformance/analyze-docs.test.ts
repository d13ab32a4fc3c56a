// Every finding's documentation resolves: each code of the catalog has exactly one `### GIC###` section
// in docs/analyzers.md whose anchor is the finding's `docs` link, the SARIF rule's helpUri points at
// that anchor in the repository, and the SARIF rule descriptions are the catalog's words, never a
// message template.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { type Code, docsOf, MESSAGES } from '../../src/policy/analyze/messages.js';
import { helpUri, PROJECT_URL, renderSarif } from '../../src/cli/output/render-sarif.js';

const root = join(import.meta.dirname, '..', '..');
const codes = Object.keys(MESSAGES) as Code[];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Anchor -> the section text below its heading (up to the next heading). */
function sections(markdown: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const parts = markdown.split(/^#{1,6} (.+)$/m);
  for (let i = 1; i < parts.length; i += 2) {
    const anchor = anchorOf(parts[i]!);
    out.set(anchor, [...(out.get(anchor) ?? []), parts[i + 1] ?? '']);
  }
  return out;
}

describe('analyzer documentation', () => {
  const [file, fragment] = docsOf('GIC100').split('#');
  const path = join(root, file!);
  const docs = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const bySection = sections(docs);

  it('links into a file of the repository', () => {
    expect(file).toBe('docs/analyzers.md');
    expect(existsSync(path)).toBe(true);
    expect(fragment).toBe('gic100');
  });

  it('has one section per catalog code, at the anchor of its docs link, naming its title', () => {
    for (const code of codes) {
      const anchor = docsOf(code).split('#')[1]!;
      const found = bySection.get(anchor);
      expect(found, `${code}: no heading with anchor #${anchor} in ${file}`).toBeDefined();
      expect(found, `${code}: more than one section`).toHaveLength(1);
      expect(found?.[0], `${code}: the section names the catalog title`).toContain(`**${MESSAGES[code].title}**`);
    }
  });

  it('documents no code the catalog does not have, except GIC600 (input errors, added with the fail-closed input handling)', () => {
    const documented = [...docs.matchAll(/^### (GIC\d{3})$/gm)].map((m) => m[1]!);
    expect(documented.filter((c) => !(c in MESSAGES) && c !== 'GIC600')).toEqual([]);
    expect(documented).toContain('GIC600');
  });

  it('gives every SARIF rule a helpUri at that anchor in the project, and its description in words', () => {
    const sarif = renderSarif({ findings: [], summary: { errors: 0, warnings: 0, info: 0 }, skipped: [] }, '0') as {
      runs: { tool: { driver: { rules: { id: string; helpUri: string; shortDescription: { text: string }; fullDescription: { text: string } }[] } } }[];
    };
    const rules = sarif.runs[0]!.tool.driver.rules;
    expect(rules.map((r) => r.id)).toEqual(codes);
    for (const r of rules) {
      const code = r.id as Code;
      expect(r.helpUri).toBe(`${PROJECT_URL}/blob/main/${docsOf(code)}`);
      expect(r.helpUri).toBe(helpUri(code));
      expect(r.fullDescription.text).toBe(MESSAGES[code].description);
      for (const text of [r.shortDescription.text, r.fullDescription.text]) {
        expect(text, code).not.toMatch(/\{[A-Za-z]+\}/);
        expect(text.length, code).toBeGreaterThan(4);
      }
    }
  });
});
