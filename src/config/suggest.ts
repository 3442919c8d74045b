/** "Did you mean" for misspelt parameter names; bounded work whatever the input's length. */

/** Names longer than this are not typos of a parameter name: no suggestion is searched for. */
const MAX_INPUT = 64;

export function closestName(input: string, candidates: Iterable<string>): string | undefined {
  if (input.length > MAX_INPUT) return undefined;
  const lowered = input.toLowerCase();
  // Allow roughly one edit per three characters: catches typos, not unrelated words.
  const allowed = Math.max(2, Math.floor(input.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - input.length) > allowed) continue;
    const distance = editDistance(lowered, candidate.toLowerCase());
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  return best && best.distance <= allowed ? best.name : undefined;
}

/** Damerau-Levenshtein (optimal string alignment): a swapped pair of letters counts as one edit. */
export function editDistance(a: string, b: string): number {
  const cols = b.length + 1;
  // Three rolling rows: the one before last is needed for transpositions.
  let before = new Array<number>(cols).fill(0);
  let previous = Array.from({ length: cols }, (_, j) => j);
  let current = new Array<number>(cols).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, before[j - 2] + 1);
      current[j] = best;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[cols - 1];
}
