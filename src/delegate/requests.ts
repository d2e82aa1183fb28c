// What the delegate client's HTTP API takes, with every number bounded at the edge. An unbounded
// energy let two admitted nodes post orders whose total passed 2^256 − 1, so that no header of a
// block holding them could be signed and every slot owner missed its slot (issue 20, item 2).
import { z } from "zod";

/**
 * Bound of a trade's energy (Wh), price (token units) and nonce: 2^96 − 1. A block of at most
 * {@link MAX_BLOCK_TRADES} trades then totals below 2^106 Wh, far from overflowing the header's
 * uint256; 2^96 Wh is 7.9·10^28, and 2^96 token units 7.9·10^10 tokens of 18 decimals.
 */
export const MAX_TRADE_AMOUNT = 2n ** 96n - 1n;
/** Most trades a block the client attests may hold (a 4 MB request at most). */
export const MAX_BLOCK_TRADES = 1_000;
const UINT256_MAX = 2n ** 256n - 1n;

/** A whole number as a decimal string or a safe JSON integer, at most `max`. */
const whole = (max: bigint) =>
  z
    .union([z.string().regex(/^\d{1,78}$/, "must be a whole number"), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)])
    .transform((v) => BigInt(v))
    .refine((v) => v <= max, { message: `must be at most ${max}` });
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 20-byte hex address");
const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 32 bytes of hex");
/** 65 bytes of hex; whether the ledger accepts the signature is `recoverStrict`'s to say. */
const signature = z.string().regex(/^0x[0-9a-fA-F]{130}$/, "must be a 65-byte hex signature");

export const TradeSchema = z.object({
  order: z.object({
    seller: address,
    buyer: address,
    energy: whole(MAX_TRADE_AMOUNT),
    price: whole(MAX_TRADE_AMOUNT),
    nonce: whole(MAX_TRADE_AMOUNT),
  }),
  sellerSignature: signature,
  buyerSignature: signature,
});

/** Epoch and slot are uint256 here; the clock refuses a slot ≥ S or an epoch past its last. */
const HeaderSchema = z.object({
  epoch: whole(UINT256_MAX),
  slot: whole(UINT256_MAX),
  parentHash: bytes32,
  tradeRoot: bytes32,
  payloadHash: bytes32,
  tradeCount: whole(BigInt(MAX_BLOCK_TRADES)),
  energyTotal: whole(UINT256_MAX),
});

export const AttestSchema = z.object({
  header: HeaderSchema,
  producerSignature: signature,
  trades: z.array(TradeSchema).max(MAX_BLOCK_TRADES),
});
