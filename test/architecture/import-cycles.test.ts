// No import cycles in production code: every strongly connected group of files in the import graph of
// src/ and tools/ (type-only imports included, since they tie modules' definitions together just the
// same) is an error, except the cycles listed in KNOWN_CYCLES, which are being broken and must be
// removed from the list as soon as they are (the test fails on a stale entry too).
import { relative } from 'node:path';

import { describe, expect, it } from 'vitest';

import { importsOf, productionFiles, resolveRelative, root } from './source-imports.js';

/**
 * Cycles that exist today and are to be broken by their owners (issue 10 §5). Each entry is the exact
 * set of files of one cycle; delete the entry in the change that breaks it. Add nothing here.
 */
const KNOWN_CYCLES: readonly (readonly string[])[] = [
];

type Graph = ReadonlyMap<string, readonly string[]>;

/** The import graph of the production sources: repository-relative file -> the project files it imports. */
function productionGraph(): Graph {
  const files = productionFiles();
  const known = new Set(files.map((f) => relative(root, f)));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const deps = importsOf(file)
      .filter((s) => s.startsWith('.'))
      .map((s) => resolveRelative(file, s))
      .filter((f) => known.has(f));
    graph.set(relative(root, file), [...new Set(deps)]);
  }
  return graph;
}

/** The strongly connected groups of `graph` that form a cycle (two files or more, or a self-import), each sorted. */
export function importCycles(graph: Graph): string[][] {
  // Tarjan's algorithm, iterative so that a deep import chain cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; edge: number }[] = [{ node: start, edge: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const deps = graph.get(frame.node) ?? [];
      if (frame.edge < deps.length) {
        const dep = deps[frame.edge++]!;
        if (!graph.has(dep)) continue;
        if (!index.has(dep)) {
          index.set(dep, next);
          low.set(dep, next++);
          stack.push(dep);
          onStack.add(dep);
          work.push({ node: dep, edge: 0 });
        } else if (onStack.has(dep)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(dep)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== frame.node);
      if (group.length > 1 || deps.includes(frame.node)) cycles.push(group.sort());
    }
  }
  return cycles.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

/** One concrete loop through a cycle's files, for the error message: `a -> b -> c -> a`. */
function loopThrough(graph: Graph, group: readonly string[]): string {
  const members = new Set(group);
  const first = group[0]!;
  const path = [first];
  const seen = new Set([first]);
  for (;;) {
    const deps = (graph.get(path[path.length - 1]!) ?? []).filter((d) => members.has(d));
    if (deps.includes(first) && path.length > 1) return [...path, first].join(' -> ');
    const step = deps.find((d) => !seen.has(d)) ?? deps[0]!;
    if (seen.has(step)) return [...path, step].join(' -> ');
    path.push(step);
    seen.add(step);
  }
}

const key = (files: readonly string[]): string => [...files].sort().join(' ');

describe('import cycles', () => {
  it('finds cycles, self-imports included, and nothing in an acyclic graph', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c', 'd']],
      ['c', ['a']],
      ['d', ['e']],
      ['e', []],
      ['f', ['f']],
    ]);
    expect(importCycles(graph)).toEqual([['a', 'b', 'c'], ['f']]);
    expect(importCycles(new Map([['a', ['b']], ['b', []]]))).toEqual([]);
  });

  it('production code has no import cycle beyond the known ones being broken', () => {
    const graph = productionGraph();
    expect(graph.size).toBeGreaterThan(100);
    const known = new Set(KNOWN_CYCLES.map(key));
    const unexpected = importCycles(graph)
      .filter((group) => !known.has(key(group)))
      .map((group) => loopThrough(graph, group));
    expect(unexpected).toEqual([]);
  });

  it('every known cycle still exists (remove an entry from KNOWN_CYCLES once its cycle is broken)', () => {
    const present = new Set(importCycles(productionGraph()).map(key));
    const stale = KNOWN_CYCLES.map(key).filter((k) => !present.has(k));
    expect(stale).toEqual([]);
  });
});
