// EIP-712 types of contracts/ledger/BlockLedger.sol and the trade Merkle tree: what delegates sign
// (block headers), what prosumers sign (trade orders), and how a block's trades become its root.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { keccak256, type Signer, type TypedDataDomain } from "ethers";

export interface BlockHeader {
  epoch: bigint;
  slot: bigint;
  parentHash: string;
  tradeRoot: string;
  tradeCount: bigint;
  energyTotal: bigint;
}

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

export const signHeader = (signer: Signer, domain: TypedDataDomain, h: BlockHeader) =>
  signer.signTypedData(domain, HEADER_TYPES, h);

export const signTrade = (signer: Signer, domain: TypedDataDomain, t: TradeOrder) => signer.signTypedData(domain, TRADE_TYPES, t);

/** The Merkle tree of a block's trades; leaves bind each order digest to both signatures. */
export function tradeTree(trades: SignedTrade[], orderDigest: (t: TradeOrder) => string) {
  return StandardMerkleTree.of(
    trades.map((t) => [orderDigest(t.order), keccak256(t.sellerSignature), keccak256(t.buyerSignature)]),
    ["bytes32", "bytes32", "bytes32"],
  );
}
