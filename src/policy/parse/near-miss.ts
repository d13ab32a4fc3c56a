// Near misses of a word among candidates (a typo'd kind, API group or flag): equal ignoring case, or a
// small edit distance (adjacent transpositions count as one edit). Used to say "did you mean ...?". Pure.

/**
 * The candidate `word` is a near miss of: equal ignoring case, or within an edit distance of 1 (short
 * words) or 2 (words of 8 letters or more). Undefined when it matches one exactly or none closely.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  if (word === '' || candidates.includes(word)) return undefined;
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    const limit = c.length >= 8 ? 2 : 1;
    if (Math.abs(c.length - lower.length) > limit) continue;
    const d = c === lower ? 0 : editDistance(lower, c, limit);
    if (d <= limit && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Optimal string alignment distance (adjacent transpositions count 1), capped just above `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  let previous2: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, previous2[j - 2]! + 1);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    previous2 = previous;
    previous = current;
  }
  return previous[b.length]!;
}
