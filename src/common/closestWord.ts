/**
 * Edit distance (insertions, deletions, substitutions and swaps of two
 * neighbouring characters), case-insensitive: 'Prefferred' is 1 from
 * 'Preferred', 'Neigbhors' 1 from 'Neighbors'.
 */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  // rows[i][j]: distance between x's first i characters and y's first j.
  const rows: number[][] = Array.from({ length: x.length + 1 }, (_, i) => [i, ...new Array<number>(y.length).fill(0)]);
  for (let j = 1; j <= y.length; j++) rows[0][j] = j;
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const substitution = rows[i - 1][j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1);
      let best = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, substitution);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) best = Math.min(best, rows[i - 2][j - 2] + 1);
      rows[i][j] = best;
    }
  }
  return rows[x.length][y.length];
}

/**
 * The candidate a misspelt word most probably meant: the nearest one within a
 * quarter of its length (at least 2 edits), or undefined when none is that near.
 */
export function closestWord(written: string, candidates: readonly string[]): string | undefined {
  let best: { word: string; distance: number } | undefined;
  for (const word of candidates) {
    const distance = editDistance(written, word);
    if (distance <= Math.max(2, Math.floor(word.length / 4)) && (best === undefined || distance < best.distance)) best = { word, distance };
  }
  return best?.word;
}
