// A population for the keeper benchmark, grown fast on Anvil: 100,000 nodes are half a million
// transactions, and populate.ts (local wallets, one request per call) does ~125 a second there.
// Here the nodes are bare addresses that Anvil impersonates (anvil_autoImpersonateAccount), every
// transaction is priced at zero at a zero base fee (no balances needed), and calls go out in
// JSON-RPC batches of 500, each phase of 100 nodes mined at once (Anvil's pool slows down
// with the square of its pending transactions: 1,000 nodes took 2.7 s in phases of 100, 16.9 s in
// phases of 1,000).
import { keccak256, toUtf8Bytes } from "ethers";
import type { System } from "../../src/deployment/deploySystem";
import type { RawRpc, RpcCall } from "../../src/chain/rpc";
import { NodeClass, WAD } from "../../src/scoring/params";
import { StateError } from "../../src/util/errors";

const GAS = "0x61a80"; // 400,000: every call here uses less; 2,500 fit in Anvil's 1e9-gas blocks
const CALLS_PER_POST = 500;

/** Bench node `i`'s address. */
export const benchNode = (i: number): string => "0x" + keccak256(toUtf8Bytes(`energy-dpos/keeper-bench/${i}`)).slice(26);

/** Bench node `i`'s bonded deposit (100-999 tokens: all above the minimum). */
export const benchDeposit = (i: number): bigint => BigInt(100 + (i % 900)) * WAD;

async function inBatches(rpc: RawRpc, calls: RpcCall[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let i = 0; i < calls.length; i += CALLS_PER_POST) out.push(...(await rpc.batch(calls.slice(i, i + CALLS_PER_POST))));
  return out;
}

/** Send `txs` (automine off), mine until every one is in a block, and fail on any revert. */
export async function sendAndMine(rpc: RawRpc, txs: { from: string; to: string; data: string; nonce?: number }[]): Promise<void> {
  await rpc.send("hardhat_setNextBlockBaseFeePerGas", ["0x0"]);
  const hashes = (await inBatches(
    rpc,
    txs.map((t) => ({
      method: "eth_sendTransaction",
      params: [
        {
          from: t.from,
          to: t.to,
          data: t.data,
          gas: GAS,
          maxFeePerGas: "0x0",
          maxPriorityFeePerGas: "0x0",
          ...(t.nonce === undefined ? {} : { nonce: "0x" + t.nonce.toString(16) }),
        },
      ],
    })),
  )) as string[];
  for (let pending = hashes; pending.length > 0;) {
    await rpc.send("hardhat_setNextBlockBaseFeePerGas", ["0x0"]);
    await rpc.send("evm_mine", []);
    const receipts = (await inBatches(
      rpc,
      pending.map((h) => ({ method: "eth_getTransactionReceipt", params: [h] })),
    )) as ({ status: string } | null)[];
    receipts.forEach((r, i) => {
      if (r && r.status !== "0x1") throw new StateError("transaction", pending[i], `transaction ${pending[i]} reverted`);
    });
    const left = pending.filter((_, i) => receipts[i] === null);
    if (left.length === pending.length) throw new StateError("transactions", left.length, `${left.length} transactions were not mined`);
    pending = left;
  }
}

/** Register, admit and bond nodes [from, from + count) of the bench population; `admin` holds the supervisor role. */
export async function grow(rpc: RawRpc, system: System, admin: string, from: number, count: number, batch = 100): Promise<void> {
  const [tokenAddress, registryAddress, vaultAddress] = await Promise.all([
    system.token.getAddress(),
    system.registry.getAddress(),
    system.vault.getAddress(),
  ]);
  const [token, registry, vault] = [system.token.interface, system.registry.interface, system.vault.interface];
  await rpc.send("anvil_autoImpersonateAccount", [true]);
  await rpc.send("evm_setAutomine", [false]);
  try {
    let adminNonce = Number(BigInt((await rpc.send("eth_getTransactionCount", [admin, "pending"])) as string));
    for (let start = from; start < from + count; start += batch) {
      const ids = Array.from({ length: Math.min(batch, from + count - start) }, (_, j) => start + j);
      const nodes = ids.map(benchNode);
      await sendAndMine(
        rpc,
        ids.flatMap((i, j) => [
          { from: admin, to: tokenAddress, data: token.encodeFunctionData("mint", [nodes[j], benchDeposit(i)]), nonce: adminNonce++ },
          { from: nodes[j], to: tokenAddress, data: token.encodeFunctionData("approve", [vaultAddress, 2n ** 255n]), nonce: 0 },
          {
            from: nodes[j],
            to: registryAddress,
            data: registry.encodeFunctionData("register", [NodeClass.MultiHouseholdCommunityPV, BigInt(1 + ((i * 7919) % 100_000)), ""]),
            nonce: 1,
          },
        ]),
      );
      await sendAndMine(
        rpc,
        nodes.map((n) => ({ from: admin, to: registryAddress, data: registry.encodeFunctionData("admit", [n]), nonce: adminNonce++ })),
      );
      await sendAndMine(
        rpc,
        ids.map((i, j) => ({ from: nodes[j], to: vaultAddress, data: vault.encodeFunctionData("deposit", [benchDeposit(i)]), nonce: 2 })),
      );
    }
  } finally {
    await rpc.send("evm_setAutomine", [true]);
  }
}
