// The experiments send tens of thousands of transactions and signatures to the embedded Hardhat
// network; these shortcuts take away the client-side cost around each, not what is measured:
// - `sendNow` hands a prepared call to the node as one `eth_sendTransaction` from an unlocked
//   account. Under automining it returns once the transaction is mined, and the node throws on a
//   revert, so the three reads ethers' contract call adds (block number, transaction, receipt) are
//   not needed. Measured: 0.5 ms a transaction instead of 1.6.
// - `sendTogether` mines several such calls together, as a round's ballots reach a real chain.
// - `HeaderSigners` signs block headers in-process with the keys of Hardhat's test mnemonic (one
//   EIP-712 digest a header, then one secp256k1 signature a delegate) instead of asking the node
//   for `eth_signTypedData_v4` per signature: 0.5 ms instead of 2.5. The signatures are the same
//   bytes: RFC 6979 signing is deterministic.
import { network } from "hardhat";
import { HDNodeWallet, Mnemonic, type ContractTransaction, type SigningKey, type TypedDataDomain } from "ethers";
import { headerDigest, type BlockHeader } from "../src/ledger/signing";
import { mineAll } from "./world/populate";
import { EnvironmentError, InputError } from "../src/util/errors";

/** Sends `tx` from `from` on the embedded network and returns once it is mined; a revert throws. */
export async function sendNow(from: { address: string }, tx: Promise<ContractTransaction>): Promise<void> {
  const { to, data } = await tx;
  await network.provider.send("eth_sendTransaction", [{ from: from.address, to, data }]);
}

/**
 * Sends `calls` in order, each from its own unlocked account, with automining paused (and restored
 * whatever happens), then mines them together with {@link mineAll}: in one block as long as they
 * fit its gas limit, as a run's ten ballots always do. Throws if any reverted.
 */
export async function sendTogether(calls: { from: { address: string }; tx: Promise<ContractTransaction> }[]): Promise<void> {
  const prepared = await Promise.all(calls.map(async (c) => ({ from: c.from.address, ...(await c.tx) })));
  const provider = network.provider;
  await provider.send("evm_setAutomine", [false]);
  try {
    const hashes: string[] = [];
    for (const { from, to, data } of prepared) {
      // Explicit gas and fees: without them the node prices each call against the pending block.
      hashes.push(
        await provider.send("eth_sendTransaction", [
          { from, to, data, gas: TOGETHER_GAS, maxFeePerGas: "0x1", maxPriorityFeePerGas: "0x0" },
        ]),
      );
    }
    await mineAll(provider, hashes);
  } finally {
    await provider.send("evm_setAutomine", [true]);
  }
}

/** Gas limit of each call of {@link sendTogether}: 2,000,000, above any single call of the system. */
const TOGETHER_GAS = "0x1e8480";

/** Signing keys of the network's HD accounts, derived once a process (a derivation takes ~8 ms). */
const derived = new Map<string, SigningKey>();
let derivedCount = 0;

function accountKeys(count: number): Map<string, SigningKey> {
  const accounts = network.config.accounts as { mnemonic?: string; path?: string; initialIndex?: number };
  if (typeof accounts !== "object" || typeof accounts.mnemonic !== "string") {
    throw new EnvironmentError("accounts", `HeaderSigners needs the network's accounts as an HD mnemonic; "${network.name}" has none`);
  }
  if (derivedCount < count) {
    const mnemonic = Mnemonic.fromPhrase(accounts.mnemonic);
    const first = accounts.initialIndex ?? 0;
    for (let i = derivedCount; i < count; i++) {
      const wallet = HDNodeWallet.fromMnemonic(mnemonic, `${accounts.path ?? "m/44'/60'/0'/0"}/${first + i}`);
      derived.set(wallet.address, wallet.signingKey);
    }
    derivedCount = count;
  }
  return derived;
}

/** Header signatures of the first accounts of the network's HD mnemonic, made in-process. */
export class HeaderSigners {
  private readonly keys: Map<string, SigningKey>;

  /** Signs for the first `count` accounts of the network's mnemonic (Hardhat's `accounts` config). */
  constructor(private readonly count: number) {
    this.keys = accountKeys(count);
  }

  /** The signatures of `signers` (addresses) over `h`, in their order. */
  sign(domain: TypedDataDomain, h: BlockHeader, signers: string[]): string[] {
    const digest = headerDigest(domain, h);
    return signers.map((a) => {
      const key = this.keys.get(a);
      if (!key) throw new InputError("signer", a, `HeaderSigners: ${a} is not one of the first ${this.count} mnemonic accounts`);
      return key.sign(digest).serialized;
    });
  }
}
