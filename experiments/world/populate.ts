// Registers, admits and bonds thousands of nodes on a local node fast: automining is paused, each
// phase's transactions are sent at once with explicit nonces and gas (nodes impersonated), then
// mined in as many blocks as they need at a zero base fee. Used by the gas audit and the
// consensus-time experiment, where N reaches 10,000. Hardhat (in-process or `hardhat node`) or
// Anvil, which takes the same hardhat_* and evm_* methods.
import { Wallet, keccak256, toUtf8Bytes, type Provider, type Signer } from "ethers";

/** An ethers provider that also takes raw JSON-RPC calls (Hardhat's, or a JsonRpcProvider). */
export type RpcProvider = Provider & { send(method: string, params: unknown[]): Promise<unknown> };
import type { System } from "../../src/deployment/deploySystem";
import { NodeClass, WAD } from "../../src/scoring/params";
import { StateError } from "../../src/util/errors";

export interface PopulateOptions {
  /** How many nodes to add. */
  count: number;
  /** Tag mixed into the private keys, so separate populations get separate accounts. */
  tag?: string;
  nodeClass?: (i: number) => NodeClass;
  /** Capacity in watts of node i. */
  capacity?: (i: number) => bigint;
  /** Bonded deposit of node i (0: none). */
  deposit?: (i: number) => bigint;
  endpoint?: (i: number) => string;
  /**
   * Nodes per batch (default 250); each phase of a batch is mined before the next. The embedded node
   * holds every transaction's opcode trace of a block until it is mined: 10,000 nodes in batches of
   * 1,000 (3,000 transactions a block) left the process at 14 GB, in batches of 250 at 9 GB, in the
   * same time (78 s, 76 s).
   */
  batch?: number;
}

const GAS = 1_000_000n;

/** Deterministic wallet number `i` of population `tag`. */
export function populationWallet(tag: string, i: number, provider: RpcProvider): Wallet {
  return new Wallet(keccak256(toUtf8Bytes(`energy-dpos/${tag}/${i}`)), provider);
}

/**
 * Make the next block's base fee zero, so that transactions priced at zero are valid. Hardhat queues
 * a transaction priced below the base fee until a block can take it; Anvil refuses it when it is
 * sent ("max fee per gas less than block base fee"), so this comes before sending, not only before mining.
 */
export async function zeroBaseFee(provider: { send(method: string, params: unknown[]): Promise<unknown> }): Promise<void> {
  await provider.send("hardhat_setNextBlockBaseFeePerGas", ["0x0"]);
}

/**
 * Mine blocks until every transaction of `hashes` is in one; throws on a revert or a transaction left
 * out. Receipts are read as raw JSON-RPC (ethers' formatted receipt costs ~1.8 ms each here).
 */
export async function mineAll(provider: { send(method: string, params: unknown[]): Promise<unknown> }, hashes: string[]): Promise<void> {
  for (let pending = hashes; pending.length > 0;) {
    await zeroBaseFee(provider);
    await provider.send("evm_mine", []);
    const receipts = (await Promise.all(pending.map((h) => provider.send("eth_getTransactionReceipt", [h])))) as ({
      status: string;
    } | null)[];
    receipts.forEach((r, i) => {
      if (r && r.status !== "0x1") throw new StateError("transaction", pending[i], `mineAll: transaction ${pending[i]} reverted`);
    });
    const left = pending.filter((_, i) => receipts[i] === null);
    if (left.length === pending.length)
      throw new StateError("transactions", left.length, `mineAll: ${left.length} transactions were not mined`);
    pending = left;
  }
}

/** Add `count` admitted producer nodes to `system`; `admin` must hold the supervisor role. */
export async function populate(system: System, admin: Signer, provider: RpcProvider, o: PopulateOptions) {
  if (!Number.isInteger(o.count) || o.count < 0) throw new RangeError(`populate: count must be a whole number, got ${o.count}`);
  const tag = o.tag ?? "node";
  const nodeClass = o.nodeClass ?? (() => NodeClass.MultiHouseholdCommunityPV);
  const capacity = o.capacity ?? ((i: number) => BigInt(1 + ((i * 7919) % 100_000)));
  const deposit = o.deposit ?? ((i: number) => BigInt(100 + (i % 900)) * WAD);
  const endpoint = o.endpoint ?? (() => "");
  const batch = o.batch ?? 250;
  const adminAddress = await admin.getAddress();
  const vault = await system.vault.getAddress();
  const [token, registry] = [system.token.interface, system.registry.interface];
  const [tokenAddress, registryAddress] = [await system.token.getAddress(), await system.registry.getAddress()];
  const wallets: Wallet[] = [];
  await provider.send("evm_setAutomine", [false]);
  try {
    for (let from = 0; from < o.count; from += batch) {
      const ids = Array.from({ length: Math.min(batch, o.count - from) }, (_, j) => from + j);
      const group = ids.map((i) => populationWallet(tag, i, provider));
      wallets.push(...group);
      for (const w of group) {
        await provider.send("hardhat_setBalance", [w.address, "0x56BC75E2D63100000"]);
        await provider.send("hardhat_impersonateAccount", [w.address]);
      }
      let adminNonce = await provider.getTransactionCount(adminAddress, "pending");
      // Every transaction goes out as eth_sendTransaction with an explicit nonce and gas; the
      // nodes are impersonated, since local signing would dominate the time at 10,000 nodes. Each
      // phase is sent at a zero base fee (zeroBaseFee) and priced at zero.
      const send = (from: string, nonce: number, to: string, data: string) =>
        provider.send("eth_sendTransaction", [
          {
            from,
            to,
            data,
            nonce: `0x${nonce.toString(16)}`,
            gas: `0x${GAS.toString(16)}`,
            maxFeePerGas: "0x0",
            maxPriorityFeePerGas: "0x0",
          },
        ]) as Promise<string>;
      const adminSend = (to: string, data: string) => send(adminAddress, adminNonce++, to, data);
      // Phase 1: tokens, allowance and registration.
      await zeroBaseFee(provider);
      const phase1: Promise<string>[] = [];
      for (const [j, w] of group.entries()) {
        const i = ids[j];
        if (deposit(i) > 0n) phase1.push(adminSend(tokenAddress, token.encodeFunctionData("mint", [w.address, deposit(i)])));
        phase1.push(send(w.address, 0, tokenAddress, token.encodeFunctionData("approve", [vault, 2n ** 255n])));
        phase1.push(send(w.address, 1, registryAddress, registry.encodeFunctionData("register", [nodeClass(i), capacity(i), endpoint(i)])));
      }
      await mineAll(provider, await Promise.all(phase1));
      // Phase 2: admission.
      await zeroBaseFee(provider);
      await mineAll(
        provider,
        await Promise.all(group.map((w) => adminSend(registryAddress, registry.encodeFunctionData("admit", [w.address])))),
      );
      // Phase 3: deposits.
      await zeroBaseFee(provider);
      const phase3 = group.flatMap((w, j) =>
        deposit(ids[j]) > 0n ? [send(w.address, 2, vault, system.vault.interface.encodeFunctionData("deposit", [deposit(ids[j])]))] : [],
      );
      await mineAll(provider, await Promise.all(phase3));
    }
  } finally {
    await provider.send("evm_setAutomine", [true]);
  }
  return wallets;
}
