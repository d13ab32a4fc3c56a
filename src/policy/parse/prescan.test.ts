import { describe, expect, it } from 'vitest';

import { findBinary, findExcessDepth, splitDocuments } from './prescan.js';

describe('splitDocuments', () => {
  it('splits at --- and ... markers, keeping directives with their document and line numbers', () => {
    const text = 'a: 1\n---\nb: 2\n...\n%YAML 1.2\n---\nc: 3\n--- {d: 4}\n';
    expect([...splitDocuments(text)].map((c) => [c.line, c.text])).toEqual([
      [1, 'a: 1\n'],
      [2, '---\nb: 2\n...\n'],
      [5, '%YAML 1.2\n---\nc: 3\n'],
      [8, '--- {d: 4}\n'],
    ]);
  });

  it('does not split at markers that are not at column 0 or not followed by space', () => {
    expect([...splitDocuments('a: |\n  ---\nb: ---x\n----\n')].map((c) => c.text)).toEqual(['a: |\n  ---\nb: ---x\n----\n']);
  });

  it('keeps a leading --- with the first document', () => {
    expect([...splitDocuments('# c\n---\na: 1\n')].map((c) => c.text)).toEqual(['# c\n---\na: 1\n']);
  });
});

describe('findExcessDepth', () => {
  it('counts block and flow nesting', () => {
    expect(findExcessDepth('a:\n  b:\n    c: 1\n', 2)).toEqual({ line: 3, depth: 3 });
    expect(findExcessDepth('a:\n  b:\n    c: 1\n', 3)).toBeUndefined();
    expect(findExcessDepth('a: [[[1]]]\n', 3)).toEqual({ line: 1, depth: 4 });
    expect(findExcessDepth('a: [\n  [\n    [1]]]\n', 3)).toEqual({ line: 3, depth: 4 });
    expect(findExcessDepth('- - - x\n', 2)).toEqual({ line: 1, depth: 3 });
  });

  it('ignores brackets in quotes, comments and block scalars', () => {
    expect(findExcessDepth('a: "[[[["\nb: \'{{{{\' # [[[[\nc: |\n  [[[[[[\nd: >-\n  {{{{{{\ne: 1\n', 1)).toBeUndefined();
    expect(findExcessDepth('a: "multi\n  line [[[[[[ still quoted"\nb: 1\n', 1)).toBeUndefined();
  });
});

describe('findBinary', () => {
  it('finds NUL and U+FFFD', () => {
    expect(findBinary('abc')).toBe(-1);
    expect(findBinary('ab\0c\uFFFD')).toBe(2);
    expect(findBinary('a\uFFFDb\0')).toBe(1);
  });
});
