// The local JSON-RPC nodes `npm run network` and the node tests start: `hardhat node` (EDR) or
// Anvil (Foundry's node; the @foundry-rs/anvil npm package ships its binary, nothing is
// downloaded). Both get chain id 31337, the accounts of Hardhat's public test mnemonic, the cancun
// hardfork the contracts target and a block gas limit of 10^9 (hardhat.config.ts's), so every
// service, task and script meets the same chain on either.
import path from "node:path";
import { HARDHAT_MNEMONIC } from "../chain/tx";

export const NODE_KINDS = ["hardhat", "anvil"] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

const BIN = path.join(__dirname, "..", "..", "node_modules", ".bin");

/** The command that runs a `kind` node on 127.0.0.1:`port`. */
export function nodeCommand(kind: NodeKind, port: number): { command: string; args: string[] } {
  if (kind === "hardhat") return { command: path.join(BIN, "hardhat"), args: ["node", "--port", String(port)] };
  return {
    command: path.join(BIN, "anvil"),
    args: [
      ["--host", "127.0.0.1"],
      ["--port", String(port)],
      ["--chain-id", "31337"], // the local chain id: tasks take account indices only there
      ["--mnemonic", HARDHAT_MNEMONIC],
      ["--accounts", "20"], // as many funded accounts as `hardhat node`
      ["--hardfork", "cancun"],
      ["--gas-limit", "1000000000"],
      // Hardhat's first base fee; Anvil's pool refuses a fee below the base fee when it is sent
      // (Hardhat queues it), so experiments/world/populate.ts zeroes it before sending, not only before mining
      ["--block-base-fee-per-gas", "1000000000"],
    ].flat(),
  };
}
