// How many nodes a YAML document holds once its aliases are expanded: the guard against alias bombs
// ("billion laughs"). Counting the expansion, rather than the number of aliases, bounds the work of
// everything that walks the value afterwards while letting an ordinary document use an anchor as often
// as it likes (go-yaml v2, kubectl's reader, accepts any number of aliases short of a bomb: decode.go
// allowedAliasRatio). Each anchored node is sized once (memoized), so the count costs one pass. An alias
// inside its own anchor (`a: &a [1, *a]`) would make a circular value: go-yaml v2 rejects it ("anchor
// 'a' value contains itself"), and so is it reported here.
import { type Document, isAlias, isMap, isPair, isSeq, type Node } from 'yaml';

export type AliasExpansion =
  | { readonly kind: 'ok'; readonly nodes: number }
  | { readonly kind: 'exceeded' }
  /** An alias inside the node its anchor names; `offset` is where the alias is written. */
  | { readonly kind: 'cycle'; readonly anchor: string; readonly offset: number };

/**
 * The expanded node count of `root` (a scalar counts 1, a collection 1 plus its keys and values, an
 * alias what its anchored node counts), or why there is none: more than `limit` nodes (the walk
 * stops there), or an alias inside its own anchor.
 */
export function expandedNodeCount(root: Node, doc: Document.Parsed, limit: number): AliasExpansion {
  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  let stop: AliasExpansion | undefined;
  const size = (node: unknown): number => {
    if (stop !== undefined || node === null || typeof node !== 'object') return 1;
    if (isPair(node)) return size(node.key) + size(node.value);
    const target = isAlias(node) ? (node.resolve(doc) as Node | undefined) : (node as Node);
    if (target === undefined) return 1;
    if (open.has(target)) {
      if (isAlias(node)) stop = { kind: 'cycle', anchor: node.source, offset: node.range?.[0] ?? 0 };
      return 1;
    }
    const known = sizes.get(target);
    if (known !== undefined) return known;
    let total = 1;
    if (isMap(target) || isSeq(target)) {
      open.add(target);
      for (const item of target.items as unknown[]) {
        total += size(item);
        if (stop !== undefined) break;
        if (total > limit) {
          stop = { kind: 'exceeded' };
          break;
        }
      }
      open.delete(target);
    }
    sizes.set(target, total);
    return total;
  };
  const total = size(root);
  if (stop !== undefined) return stop;
  return total > limit ? { kind: 'exceeded' } : { kind: 'ok', nodes: total };
}
