// Alias checks that must run before the yaml library expands anything, in linear time:
// - an alias inside the node its anchor names (`a: &a [*a]`) makes a value that contains itself;
//   kubectl's decoder refuses it ("anchor 'a' value contains itself", go.yaml.in/yaml/v2 decode.go),
//   and expanding it costs the yaml library time that grows with the cube of the alias count (800 such
//   aliases: minutes);
// - more aliases than the alias budget: the library's own budget check is quadratic in the alias count
//   (16,000 aliases of a one-item list: minutes), so the count is checked first.
// Pure.
import { type Document, isAlias, isMap, isPair, isSeq, type Node } from 'yaml';

export interface AliasCycle {
  readonly anchor: string;
  /** Offset of the offending alias in the parsed text. */
  readonly offset: number;
}

export function findAliasCycle(doc: Document.Parsed, contents: Node): AliasCycle | undefined {
  const open = new Set<unknown>();
  const visit = (node: unknown, depth: number): AliasCycle | undefined => {
    if (depth > 10_000) return undefined;
    if (isAlias(node)) {
      const source = node.resolve(doc);
      return source !== undefined && open.has(source) ? { anchor: node.source, offset: node.range?.[0] ?? 0 } : undefined;
    }
    if (isPair(node)) return visit(node.key, depth + 1) ?? visit(node.value, depth + 1);
    if (!isMap(node) && !isSeq(node)) return undefined;
    open.add(node);
    for (const item of node.items) {
      const found = visit(item, depth + 1);
      if (found !== undefined) return found;
    }
    open.delete(node);
    return undefined;
  };
  return visit(contents, 0);
}

/** Offset of the first alias beyond `limit` aliases in the document, or undefined when there are at most `limit`. */
export function aliasBeyond(contents: Node, limit: number): number | undefined {
  let count = 0;
  const stack: unknown[] = [contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) {
      if (++count > limit) return node.range?.[0] ?? 0;
    } else if (isPair(node)) stack.push(node.value, node.key);
    else if (isMap(node) || isSeq(node)) for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
  }
  return undefined;
}
