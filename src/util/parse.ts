// Command-line values checked one by one: every error names the argument and says what it wants.
import { getAddress, parseUnits } from "ethers";
import { NodeClass } from "../scoring/params";
import { BPS, type PoolShares } from "../rewards/pool";
import { InputError } from "./errors";

/** A command-line or config argument that is not what it must be. */
export class ArgumentError extends InputError {
  override name = "ArgumentError";
}

/** A token amount in whole tokens with up to 18 decimals ("500", "0.25"), as token units. */
export function tokens(name: string, raw: string | undefined): bigint {
  if (raw === undefined || !/^\d+(\.\d{1,18})?$/.test(raw))
    throw new ArgumentError(name, raw, `"${raw ?? ""}" is not a token amount (e.g. 500 or 0.25)`);
  const v = parseUnits(raw, 18);
  if (v === 0n) throw new ArgumentError(name, raw, `must be more than 0`);
  return v;
}

/** A whole number in [min, max]. */
export function whole(name: string, raw: string | undefined, min = 0n, max = 2n ** 256n - 1n): bigint {
  if (raw === undefined || !/^\d+$/.test(raw)) throw new ArgumentError(name, raw, `"${raw ?? ""}" is not a whole number`);
  const v = BigInt(raw);
  if (v < min || v > max) throw new ArgumentError(name, raw, `${raw} is outside [${min}, ${max}]`);
  return v;
}

export function address(name: string, raw: string | undefined): string {
  try {
    return getAddress(raw ?? "");
  } catch {
    throw new ArgumentError(name, raw, `"${raw ?? ""}" is not an address (0x and 40 hex digits)`);
  }
}

const CLASS_NAMES = Object.keys(NodeClass).filter((k) => Number.isNaN(Number(k)));

/** A node class by name (case-insensitive, e.g. wind) or number 0-6. */
export function nodeClass(name: string, raw: string | undefined): NodeClass {
  const byName = CLASS_NAMES.find((k) => k.toLowerCase() === (raw ?? "").toLowerCase());
  if (byName) return NodeClass[byName as keyof typeof NodeClass];
  if (raw !== undefined && /^[0-6]$/.test(raw)) return Number(raw) as NodeClass;
  throw new ArgumentError(name, raw, `"${raw ?? ""}" is not a node class; one of ${CLASS_NAMES.join(", ")} (or 0-6)`);
}

/** Votes as "address:count,address:count". */
export function votes(name: string, raw: string | undefined): { candidates: string[]; amounts: bigint[] } {
  if (raw === undefined || raw.trim() === "") return { candidates: [], amounts: [] };
  const candidates: string[] = [];
  const amounts: bigint[] = [];
  for (const [i, part] of raw.split(",").entries()) {
    const [who, count, extra] = part.split(":");
    if (extra !== undefined || count === undefined) throw new ArgumentError(name, part, `entry ${i + 1} "${part}" is not address:count`);
    candidates.push(address(`${name} entry ${i + 1}`, who.trim()));
    amounts.push(whole(`${name} entry ${i + 1} count`, count.trim(), 1n, 1000n));
  }
  return { candidates, amounts };
}

/**
 * Pool shares as "producers,attesters,keepers" in basis points, e.g. "6000,1500,2500": exactly what
 * the vault's constructor accepts (each 0-10,000, adding up to 10,000).
 */
export function poolShares(name: string, raw: string | undefined): PoolShares {
  const parts = (raw ?? "").split(",").map((x) => x.trim());
  if (parts.length !== 3 || parts.some((x) => !/^\d{1,5}$/.test(x)))
    throw new ArgumentError(name, raw, `"${raw ?? ""}" is not three basis points producers,attesters,keepers (e.g. 6000,1500,2500)`);
  const [producers, attesters, keepers] = parts.map(BigInt);
  if (producers + attesters + keepers !== BPS)
    throw new ArgumentError(name, raw, `"${raw}" adds up to ${producers + attesters + keepers} basis points, not ${BPS}`);
  return { producers, attesters, keepers };
}

/** One of `choices`. */
export function oneOf<T extends string>(name: string, raw: string | undefined, choices: readonly T[]): T {
  if (raw !== undefined && (choices as readonly string[]).includes(raw)) return raw as T;
  throw new ArgumentError(name, raw, `"${raw ?? ""}" is not one of ${choices.join(", ")}`);
}

/** A comma-separated list of whole numbers in [min, max], e.g. GAS_NODES="10,100". */
export function parseList(name: string, raw: string, min: number, max: number): number[] {
  const values = raw.split(",").map((s) => s.trim());
  const numbers = values.map(Number);
  if (values.some((v, i) => v === "" || !Number.isInteger(numbers[i]) || numbers[i] < min || numbers[i] > max)) {
    throw new ArgumentError(name, raw, `"${raw}" must be a comma-separated list of whole numbers in [${min}, ${max}]`);
  }
  return numbers;
}
