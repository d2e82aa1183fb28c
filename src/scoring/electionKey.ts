// Election keys (SPEC.md section 4): mirror of contracts/scoring/ElectionKey.sol, with a bit-exact
// port of solady's FixedPointMathLib.lnWad (EVM 256-bit word semantics emulated on bigint).
import { keccak256, AbiCoder } from "ethers";
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

const coder = AbiCoder.defaultAbiCoder();

/** The uniform draw u ∈ (0, 1) of `node` in the election seeded with `seed`, WAD. */
export function uniform(seed: string, node: string): bigint {
  const h = BigInt(keccak256(coder.encode(["bytes32", "address"], [seed, node])));
  return (h % (WAD - 1n)) + 1n;
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
  return BigInt(keccak256(coder.encode(["bytes32", "address", "string"], [seed, node, "tie"])));
}

/** What ranks a node in an election: its key, then its tie-break under the election's seed. */
export interface Ranked {
  key: bigint;
  tie: bigint;
}

/** True when `a` ranks strictly before `b`: the smaller key, then the smaller tie-break (never the address). */
export function ranksBefore(a: Ranked, b: Ranked): boolean {
  return a.key < b.key || (a.key === b.key && a.tie < b.tie);
}
