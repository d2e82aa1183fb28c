// Parsing of command-line and environment arguments with errors that name the argument.

/** A comma-separated list of whole numbers in [min, max], e.g. GAS_NODES="10,100". */
export function parseList(name: string, raw: string, min: number, max: number): number[] {
  const values = raw.split(",").map((s) => s.trim());
  const numbers = values.map(Number);
  if (values.some((v, i) => v === "" || !Number.isInteger(numbers[i]) || numbers[i] < min || numbers[i] > max)) {
    throw new RangeError(`${name}: "${raw}" must be a comma-separated list of whole numbers in [${min}, ${max}]`);
  }
  return numbers;
}
