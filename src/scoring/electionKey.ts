// Election keys (SPEC.md section 4): mirror of contracts/scoring/ElectionKey.sol, with a bit-exact
// port of solady's FixedPointMathLib.lnWad (EVM 256-bit word semantics emulated on bigint).
import createKeccakHash from "keccak/js";
import { WAD } from "./params";

export enum ElectionRule {
  TopK = 0,
  WeightedRandom = 1,
}

const WORD = 1n << 256n;
const MASK = WORD - 1n;
export const NEVER = MASK;

// ---- EVM opcodes on 256-bit words ----
const u = (x: bigint): bigint => ((x % WORD) + WORD) % WORD;
const signed = (x: bigint): bigint => (x >= 1n << 255n ? x - WORD : x);
const add = (a: bigint, b: bigint): bigint => u(a + b);
const sub = (a: bigint, b: bigint): bigint => u(a - b);
const mul = (a: bigint, b: bigint): bigint => u(a * b);
const shl = (s: bigint, v: bigint): bigint => (s >= 256n ? 0n : u(v << s));
const shr = (s: bigint, v: bigint): bigint => (s >= 256n ? 0n : v >> s);
const sar = (s: bigint, v: bigint): bigint => u(signed(v) >> (s >= 256n ? 255n : s));
const lt = (a: bigint, b: bigint): bigint => (a < b ? 1n : 0n);
const byteAt = (n: bigint, v: bigint): bigint => (n >= 32n ? 0n : (v >> (248n - 8n * n)) & 0xffn);
const sdiv = (a: bigint, b: bigint): bigint => {
  const x = signed(a);
  const y = signed(b);
  if (y === 0n) return 0n;
  return u(x / y); // bigint division truncates toward zero, as SDIV does
};

export class LnWadUndefinedError extends Error {
  constructor(readonly x: bigint) {
    super(`lnWad is undefined for x = ${x} (must be > 0)`);
    this.name = "LnWadUndefinedError";
  }
}

/** solady FixedPointMathLib.lnWad: ln(x / 1e18) · 1e18, bit for bit. */
export function lnWad(xSigned: bigint): bigint {
  if (xSigned <= 0n) throw new LnWadUndefinedError(xSigned);
  let x = u(xSigned);
  let r = shl(7n, lt(0xffffffffffffffffffffffffffffffffn, x));
  r = r | shl(6n, lt(0xffffffffffffffffn, shr(r, x)));
  r = r | shl(5n, lt(0xffffffffn, shr(r, x)));
  r = r | shl(4n, lt(0xffffn, shr(r, x)));
  r = r | shl(3n, lt(0xffn, shr(r, x)));
  r =
    r ^
    byteAt(
      0x1fn & shr(shr(r, x), 0x8421084210842108cc6318c6db6d54ben),
      0xf8f9f9faf9fdfafbf9fdfcfdfafbfcfef9fafdfafcfcfbfefafafcfbffffffffn,
    );
  x = shr(159n, shl(r, x));
  let p = sub(
    sar(
      96n,
      mul(
        add(
          43456485725739037958740375743393n,
          sar(96n, mul(add(24828157081833163892658089445524n, sar(96n, mul(add(3273285459638523848632254066296n, x), x))), x)),
        ),
        x,
      ),
    ),
    11111509109440967052023855526967n,
  );
  p = sub(sar(96n, mul(p, x)), 45023709667254063763336534515857n);
  p = sub(sar(96n, mul(p, x)), 14706773417378608786704636184526n);
  p = sub(mul(p, x), shl(96n, 795164235651350426258249787498n));
  let q = add(5573035233440673466300451813936n, x);
  q = add(71694874799317883764090561454958n, sar(96n, mul(x, q)));
  q = add(283447036172924575727196451306956n, sar(96n, mul(x, q)));
  q = add(401686690394027663651624208769553n, sar(96n, mul(x, q)));
  q = add(204048457590392012362485061816622n, sar(96n, mul(x, q)));
  q = add(31853899698501571402653359427138n, sar(96n, mul(x, q)));
  q = add(909429971244387300277376558375n, sar(96n, mul(x, q)));
  p = sdiv(p, q);
  p = mul(1677202110996718588342820967067443963516166n, p);
  p = add(mul(16597577552685614221487285958193947469193820559219878177908093499208371n, sub(159n, r)), p);
  p = add(600920179829731861736702779321621459595472258049074101567377883020018308n, p);
  return signed(sar(174n, p));
}

/** "tie" as the tail of abi.encode(bytes32, address, string): its offset (0x60), length 3, bytes padded. */
const TIE_TAIL = Buffer.from((0x60).toString(16).padStart(64, "0") + "3".padStart(64, "0") + "746965".padEnd(64, "0"), "hex");

/**
 * abi.encode(seed, node) (and the tie-break's longer encoding), built by hand and hashed as bytes:
 * the keeper keys every node of an election, and ethers' AbiCoder and hex keccak cost ~40 µs a
 * node, 100,000 nodes four seconds; this ~5 µs.
 */
function hashSeedAndNode(seed: string, node: string, tail?: Buffer): bigint {
  const b = Buffer.alloc(64 + (tail?.length ?? 0));
  // Buffer.write stops at the first character that is not hex: a short count is a bad input
  if (seed.length !== 66 || !seed.startsWith("0x") || b.write(seed.slice(2), 0, "hex") !== 32) {
    throw new RangeError(`seed must be 32 bytes of hex, got "${seed}"`);
  }
  if (node.length !== 42 || !node.startsWith("0x") || b.write(node.slice(2), 44, "hex") !== 20) {
    throw new RangeError(`node must be a 20-byte hex address, got "${node}"`);
  }
  if (tail) tail.copy(b, 64);
  return BigInt("0x" + createKeccakHash("keccak256").update(b).digest().toString("hex"));
}

/** The uniform draw u ∈ (0, 1) of `node` in the election seeded with `seed`, WAD. */
export function uniform(seed: string, node: string): bigint {
  return (hashSeedAndNode(seed, node) % (WAD - 1n)) + 1n;
}

/** Key of a node with `score` under `rule`; smaller is better, NEVER for a zero score. */
export function electionKey(rule: ElectionRule, score: bigint, seed: string, node: string): bigint {
  if (score === 0n) return NEVER;
  if (rule === ElectionRule.TopK) return NEVER - score;
  const lnU = lnWad(uniform(seed, node));
  const exponential = lnU < 0n ? -lnU : 0n;
  return (exponential * WAD) / score;
}

/** The order between equal keys: keccak256(abi.encode(seed, node, "tie")), as `ElectionKey.tieBreak`. */
export function tieBreak(seed: string, node: string): bigint {
  return hashSeedAndNode(seed, node, TIE_TAIL);
}

/** What ranks a node in an election: its key, then its tie-break under the election's seed. */
export interface Ranked {
  key: bigint;
  tie: bigint;
}

/**
 * True when `a` ranks strictly before `b`: the smaller key, then the smaller tie-break (never the
 * address). Equal keys with a missing tie-break (an object spread of a lazily hashed score drops
 * it) throw rather than fall in whatever order the caller holds them.
 */
export function ranksBefore(a: Ranked, b: Ranked): boolean {
  if (a.key !== b.key) return a.key < b.key;
  if (typeof a.tie !== "bigint" || typeof b.tie !== "bigint")
    throw new TypeError("a score without a tie-break: copy a score's tie by name, not by spreading it");
  return a.tie < b.tie;
}
