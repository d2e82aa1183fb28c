// EIP-712 types of contracts/ledger/BlockLedger.sol and the trade Merkle tree: what delegates sign
// (block headers), what prosumers sign (trade orders), and how a block's trades become its root.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import {
  AbiCoder,
  Signature,
  TypedDataEncoder,
  ZeroHash,
  dataSlice,
  getBytes,
  isHexString,
  keccak256,
  recoverAddress,
  type Signer,
  type TypedDataDomain,
} from "ethers";
import { WAD } from "../scoring/params";

export interface BlockHeader {
  epoch: bigint;
  slot: bigint;
  parentHash: string;
  tradeRoot: string;
  /** keccak256 of the block's published payload ({@link encodeTrades} of its trades). */
  payloadHash: string;
  tradeCount: bigint;
  energyTotal: bigint;
}

/** The payload hash of a block that publishes nothing (`commitBlock(..., "0x")`). */
export const EMPTY_PAYLOAD_HASH = keccak256("0x");

export interface TradeOrder {
  seller: string;
  buyer: string;
  energy: bigint; // Wh
  price: bigint; // token units
  nonce: bigint;
}

export interface SignedTrade {
  order: TradeOrder;
  sellerSignature: string;
  buyerSignature: string;
}

export const HEADER_TYPES = {
  BlockHeader: [
    { name: "epoch", type: "uint256" },
    { name: "slot", type: "uint256" },
    { name: "parentHash", type: "bytes32" },
    { name: "tradeRoot", type: "bytes32" },
    { name: "payloadHash", type: "bytes32" },
    { name: "tradeCount", type: "uint256" },
    { name: "energyTotal", type: "uint256" },
  ],
};

export const TRADE_TYPES = {
  TradeOrder: [
    { name: "seller", type: "address" },
    { name: "buyer", type: "address" },
    { name: "energy", type: "uint256" },
    { name: "price", type: "uint256" },
    { name: "nonce", type: "uint256" },
  ],
};

export function ledgerDomain(chainId: bigint, ledger: string): TypedDataDomain {
  return { name: "EnergyDPoS BlockLedger", version: "1", chainId, verifyingContract: ledger };
}

export const signHeader = (signer: Signer, domain: TypedDataDomain, h: BlockHeader) => signer.signTypedData(domain, HEADER_TYPES, h);

export const signTrade = (signer: Signer, domain: TypedDataDomain, t: TradeOrder) => signer.signTypedData(domain, TRADE_TYPES, t);

/** secp256k1's group order n, and n / 2: OpenZeppelin's ECDSA refuses s above it (EIP-2 malleability). */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
export const SECP256K1_HALF_N = SECP256K1_N / 2n;

/**
 * The signer of `digest`, by the ledger's one rule (OpenZeppelin's `ECDSA.tryRecover`): exactly 65
 * bytes r ‖ s ‖ v, v of 27 or 28, 0 < s ≤ n / 2, and a point that recovers; `null` for anything
 * else. ethers' `recoverAddress` is laxer (v of 0, 1 or EIP-155's 35 and up, s up to 2^255): a
 * signature it accepts and the ledger refuses would let a trader turn an honest block "invalid",
 * or a delegate revert a commit with one bad attestation, so every signature the client takes,
 * checks or passes on goes through this.
 */
export function recoverStrict(digest: string, signature: string): string | null {
  if (!isHexString(signature, 65)) return null;
  const v = getBytes(signature)[64];
  if (v !== 27 && v !== 28) return null;
  const r = BigInt(dataSlice(signature, 0, 32));
  const s = BigInt(dataSlice(signature, 32, 64));
  if (r === 0n || r >= SECP256K1_N || s === 0n || s > SECP256K1_HALF_N) return null;
  try {
    return recoverAddress(digest, Signature.from({ r: dataSlice(signature, 0, 32), s: dataSlice(signature, 32, 64), v }));
  } catch {
    return null; // r is not the x of a curve point: ecrecover returns zero, the ledger refuses
  }
}

/** The EIP-712 digest of block headers under `domain` (the ledger's `headerDigest`). */
export const headerDigest = (domain: TypedDataDomain, h: BlockHeader) => TypedDataEncoder.hash(domain, HEADER_TYPES, h);

/** The EIP-712 digest function of trade orders under `domain`. */
export const orderDigester = (domain: TypedDataDomain) => (t: TradeOrder) => TypedDataEncoder.hash(domain, TRADE_TYPES, t);

/** A trade's Merkle leaf, as the ledger checks it: the order digest bound to both signatures. */
export function tradeLeaf(t: SignedTrade, orderDigest: (t: TradeOrder) => string): string[] {
  return [orderDigest(t.order), keccak256(t.sellerSignature), keccak256(t.buyerSignature)];
}

/** The Merkle tree of a block's trades, one {@link tradeLeaf} each. */
export function tradeTree(trades: SignedTrade[], orderDigest: (t: TradeOrder) => string) {
  return StandardMerkleTree.of(
    trades.map((t) => tradeLeaf(t, orderDigest)),
    ["bytes32", "bytes32", "bytes32"],
  );
}

/**
 * A block of trades whose first carries a buyer signature made by `forger` instead of the buyer
 * (an invalid block, SPEC.md section 5), followed by `copies` more such trades with the next
 * nonces; with the forged trade's Merkle proof.
 */
export async function forgedBlock(domain: TypedDataDomain, seller: Signer, buyer: string, forger: Signer, nonce: bigint, copies = 0) {
  const order: TradeOrder = { seller: await seller.getAddress(), buyer, energy: 100n, price: WAD, nonce };
  const trade: SignedTrade = {
    order,
    sellerSignature: await signTrade(seller, domain, order),
    buyerSignature: await signTrade(forger, domain, order),
  };
  const digest = orderDigester(domain);
  const trades = [trade, ...Array.from({ length: copies }, (_, i) => ({ ...trade, order: { ...order, nonce: nonce + BigInt(i + 1) } }))];
  const tree = tradeTree(trades, digest);
  return { trade, trades, root: tree.root, proof: tree.getProof(tradeLeaf(trade, digest)) };
}

const TRADES_ABI = ["tuple(address seller, address buyer, uint256 energy, uint256 price, uint256 nonce)[]", "bytes[]", "bytes[]"];

/** A block's `payload` calldata: its signed trades, published for anyone to check against the root. */
export function encodeTrades(trades: SignedTrade[]): string {
  if (trades.length === 0) return "0x"; // an empty block publishes nothing: EMPTY_PAYLOAD_HASH
  return AbiCoder.defaultAbiCoder().encode(TRADES_ABI, [
    trades.map((t) => [t.order.seller, t.order.buyer, t.order.energy, t.order.price, t.order.nonce]),
    trades.map((t) => t.sellerSignature),
    trades.map((t) => t.buyerSignature),
  ]);
}

/** The header of a block of `trades` on `parentHash` (an empty block has a zero root). */
export function blockHeader(
  epoch: bigint,
  slot: bigint,
  parentHash: string,
  trades: SignedTrade[],
  orderDigest: (t: TradeOrder) => string,
): BlockHeader {
  return {
    epoch,
    slot,
    parentHash,
    tradeRoot: trades.length === 0 ? ZeroHash : tradeTree(trades, orderDigest).root,
    payloadHash: keccak256(encodeTrades(trades)),
    tradeCount: BigInt(trades.length),
    energyTotal: trades.reduce((sum, t) => sum + t.order.energy, 0n),
  };
}

/** The signed trades of a block's `payload` ({@link encodeTrades} reversed). */
export function decodeTrades(payload: string): SignedTrade[] {
  if (payload === "0x") return [];
  const [orders, sellerSignatures, buyerSignatures] = AbiCoder.defaultAbiCoder().decode(TRADES_ABI, payload);
  return (orders as unknown as [string, string, bigint, bigint, bigint][]).map(([seller, buyer, energy, price, nonce], i) => ({
    order: { seller, buyer, energy, price, nonce },
    sellerSignature: sellerSignatures[i] as string,
    buyerSignature: buyerSignatures[i] as string,
  }));
}
