// Gerrit pagination: `n` (limit) and `S` (skip). Changes, accounts and group queries mark the last
// element of a page with `_more_changes` / `_more_accounts` / `_more_groups`; group and project lists
// carry no marker, so a short page ends them. Pure: the page fetcher is a parameter.

export type MoreMarker = '_more_changes' | '_more_accounts' | '_more_groups';

export interface PaginateOptions {
  /** Page size (`n`). */
  readonly pageSize: number;
  /** The marker on the last element when more results exist; undefined for unmarked lists. */
  readonly moreMarker?: MoreMarker;
  /** Stop after this many items in total. */
  readonly limit?: number;
}

/** True when the page says more results follow. */
export function hasMore(page: readonly unknown[], options: PaginateOptions): boolean {
  if (page.length === 0) return false;
  if (options.moreMarker === undefined) return page.length >= options.pageSize;
  const last = page[page.length - 1];
  return typeof last === 'object' && last !== null && (last as Record<string, unknown>)[options.moreMarker] === true;
}

/** Fetches pages from `start = 0` until the last one; `fetchPage(start, n)` returns one page. */
export async function paginate<T>(
  fetchPage: (start: number, pageSize: number) => Promise<readonly T[]>,
  options: PaginateOptions,
): Promise<T[]> {
  const all: T[] = [];
  let start = 0;
  for (;;) {
    const page = await fetchPage(start, options.pageSize);
    all.push(...page);
    if (options.limit !== undefined && all.length >= options.limit) return all.slice(0, options.limit);
    if (!hasMore(page, options)) return all;
    start += page.length;
  }
}
