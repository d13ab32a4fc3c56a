import { describe, expect, it } from 'vitest';

import { parseChangeArg } from './review.js';

describe('gic review CHANGE[/PATCHSET]', () => {
  it('reads a number, a patch set, a project and a change URL', () => {
    expect(parseChangeArg('123', 'mesh')).toEqual({ project: 'mesh', change: 123 });
    expect(parseChangeArg('123/4', 'mesh')).toEqual({ project: 'mesh', change: 123, patchset: 4 });
    expect(parseChangeArg('other~7/2', 'mesh')).toEqual({ project: 'other', change: 7, patchset: 2 });
    expect(parseChangeArg('https://gerrit.example.com/c/team%2Fmesh/+/99/3', undefined)).toEqual({ project: 'team/mesh', change: 99, patchset: 3 });
  });

  it('refuses what is not a change, and a number without a project', () => {
    expect(() => parseChangeArg('abc', 'mesh')).toThrow(/is not a change/);
    expect(() => parseChangeArg('12', undefined)).toThrow(/names no project/);
  });
});
