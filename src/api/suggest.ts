// "Did you mean …?" for misspelt field names and enum values.

/** Edit distance counting an adjacent transposition as one edit ("setWieght" → "setWeight" is 1). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The closest candidate, if it is close enough to be what was meant (case is ignored when comparing). */
export function nearestName(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const threshold = Math.max(2, Math.ceil(word.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance <= threshold && (best === undefined || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

export function unknownFieldMessage(field: string, known: readonly string[]): string {
  const suggestion = nearestName(field, known);
  if (suggestion !== undefined) return `unknown field "${field}" (did you mean "${suggestion}"?)`;
  if (known.length === 0) return `unknown field "${field}"`;
  return `unknown field "${field}" (known fields: ${known.join(', ')})`;
}
