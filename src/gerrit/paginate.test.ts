import { describe, expect, it } from 'vitest';

import { hasMore, paginate } from './paginate.js';

/** A fake server page function over `total` items, marking the last item of a non-final page. */
function pages(total: number, marker?: '_more_changes') {
  const calls: [number, number][] = [];
  const fetchPage = (start: number, n: number): Promise<{ i: number; _more_changes?: boolean }[]> => {
    calls.push([start, n]);
    const page: { i: number; _more_changes?: boolean }[] = Array.from({ length: Math.max(0, Math.min(n, total - start)) }, (_, k) => ({ i: start + k }));
    const last = page.at(-1);
    if (marker !== undefined && last !== undefined && start + page.length < total) last._more_changes = true;
    return Promise.resolve(page);
  };
  return { calls, fetchPage };
}

describe('paginate', () => {
  it('follows the _more_ marker on the last element, with S advancing by the page length', async () => {
    const { calls, fetchPage } = pages(7, '_more_changes');
    const all = await paginate(fetchPage, { pageSize: 3, moreMarker: '_more_changes' });
    expect(all.map((x) => x.i)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(calls).toEqual([[0, 3], [3, 3], [6, 3]]);
  });

  it('stops on the marker even when the page is full (exact multiple)', async () => {
    const { calls, fetchPage } = pages(6, '_more_changes');
    expect((await paginate(fetchPage, { pageSize: 3, moreMarker: '_more_changes' })).length).toBe(6);
    expect(calls.length).toBe(2);
  });

  it('without a marker, a short page ends the list (and a full last page costs one empty page)', async () => {
    const short = pages(5);
    expect((await paginate(short.fetchPage, { pageSize: 2 })).length).toBe(5);
    expect(short.calls).toEqual([[0, 2], [2, 2], [4, 2]]);
    const exact = pages(4);
    expect((await paginate(exact.fetchPage, { pageSize: 2 })).length).toBe(4);
    expect(exact.calls).toEqual([[0, 2], [2, 2], [4, 2]]);
  });

  it('honours a total limit', async () => {
    const { calls, fetchPage } = pages(100, '_more_changes');
    expect((await paginate(fetchPage, { pageSize: 10, moreMarker: '_more_changes', limit: 15 })).length).toBe(15);
    expect(calls.length).toBe(2);
  });

  it('hasMore is false for an empty page and for a marker set to anything but true', () => {
    expect(hasMore([], { pageSize: 1 })).toBe(false);
    expect(hasMore([{ _more_groups: 'yes' }], { pageSize: 5, moreMarker: '_more_groups' })).toBe(false);
    expect(hasMore([{ _more_groups: true }], { pageSize: 5, moreMarker: '_more_groups' })).toBe(true);
  });
});
