// The anchors of a Markdown document as GitHub renders them (heading text lower-cased, punctuation
// other than '-' and '_' dropped, spaces turned into '-'), so that fixtures can point at a section of
// docs/semantics.md and a test can check that the section exists.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');

export function markdownAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading === null) continue;
    const slug = (heading[1] ?? '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    let anchor = slug;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${slug}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

/** Which of `refs` (`docs/<file>.md#<anchor>`, repository-relative) name no existing section. */
export function missingDocSections(refs: readonly string[]): string[] {
  const cache = new Map<string, Set<string> | undefined>();
  return refs.filter((ref) => {
    const m = /^(docs\/[\w./-]+\.md)#([\w-]+)$/.exec(ref);
    if (m === null) return true;
    const file = m[1] as string;
    if (!cache.has(file)) {
      try {
        cache.set(file, markdownAnchors(readFileSync(join(ROOT, file), 'utf8')));
      } catch {
        cache.set(file, undefined);
      }
    }
    return !(cache.get(file)?.has(m[2] as string) ?? false);
  });
}
