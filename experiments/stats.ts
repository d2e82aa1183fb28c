// Summary statistics of repeated runs (the experiments' reports).

/** Arithmetic mean. */
export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Sample standard deviation (n − 1); 0 for fewer than two values. */
export const sd = (xs: number[]) => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)));

/** Minimum, median (the mean of the middle two for an even count) and maximum. */
export function spread(xs: number[]): { min: number; median: number; max: number } {
  if (xs.length === 0) throw new RangeError("spread of no values");
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { min: s[0], median: s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2, max: s[s.length - 1] };
}
