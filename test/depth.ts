// How deep the randomised tests go. `npm test` runs them reduced, so the whole suite fits in a few
// minutes; `npm run test:deep` (DEEP=true) runs the full depth CI keeps. An explicit count in the
// environment (PROPERTY_SEQUENCES, DIFFERENTIAL_RUNS, WATCHER_RUNS) wins over both.
export const DEEP = process.env.DEEP === "true";

/** `name` from the environment, else `deep` under DEEP=true, else `quick`. */
export function depth(name: string, quick: number, deep: number): number {
  const given = process.env[name];
  if (given === undefined || given === "") return DEEP ? deep : quick;
  const n = Number(given);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer, got "${given}"`);
  return n;
}
