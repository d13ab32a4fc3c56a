// A compact map from field paths to source lines, shaped like the document itself: a leaf is a line
// number, a branch holds its own line and its children by key or index. Built from the yaml AST
// (without following aliases), by the JSON scanner, or by the block-YAML scanner on a document's first
// `lineOf` call; `lookupLine` walks it and falls back to the nearest existing ancestor.
import { parseFieldPath } from './field-path.js';

export type LineNode = number | LineBranch;

export interface LineBranch {
  readonly line: number;
  readonly keys?: ReadonlyMap<string, LineNode>;
  readonly items?: readonly LineNode[];
}

export function lineOfNode(node: LineNode): number {
  return typeof node === 'number' ? node : node.line;
}

/** Line of `fieldPath` under `root`; the deepest existing ancestor's line when the path is absent. */
export function lookupLine(root: LineNode, fieldPath: string): number {
  let node = root;
  for (const segment of parseFieldPath(fieldPath)) {
    if (typeof node === 'number') break;
    const next = typeof segment === 'number' ? node.items?.[segment] : node.keys?.get(segment);
    if (next === undefined) break;
    node = next;
  }
  return lineOfNode(node);
}
