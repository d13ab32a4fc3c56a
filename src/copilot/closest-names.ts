// "Did you mean": the existing names closest to one that does not exist (a group, a workload, a
// namespace), for clarifying questions and refusals. Case- and separator-insensitive edit distance
// (optimal string alignment), plus containment ("release" -> "release-managers"). Deterministic order.

function normalise(name: string): string {
  return name.toLowerCase().replace(/[\s_.]+/g, '-');
}

/** Edit distance with adjacent transpositions (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((d[i - 1]?.[j] ?? 0) + 1, (d[i]?.[j - 1] ?? 0) + 1, (d[i - 1]?.[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (d[i - 2]?.[j - 2] ?? 0) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return d[a.length]?.[b.length] ?? 0;
}

/**
 * Up to `limit` candidates close to `wanted`: exact after normalising first, then containment, then
 * edit distance within a third of the length (at least 2). Ties keep the candidates' sorted order.
 */
export function closestNames(wanted: string, candidates: Iterable<string>, limit = 3): string[] {
  const w = normalise(wanted);
  if (w === '') return [];
  const scored: { name: string; score: number }[] = [];
  for (const name of new Set(candidates)) {
    const n = normalise(name);
    let score: number;
    if (n === w) score = 0;
    else if (w.length >= 3 && (n.includes(w) || w.includes(n)) && n.length >= 3) score = 1 + Math.abs(n.length - w.length) / 100;
    else {
      const distance = editDistance(w, n);
      if (distance > Math.max(2, Math.floor(Math.max(w.length, n.length) / 3))) continue;
      score = 2 + distance;
    }
    scored.push({ name, score });
  }
  scored.sort((a, b) => a.score - b.score || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return scored.slice(0, limit).map((s) => s.name);
}
