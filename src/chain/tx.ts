// Connecting a process to a chain: a JSON-RPC provider, a local signing key, the recorded
// contracts; the chain's time; sending a transaction only after a call shows it will not revert;
// telling RPC failures from contract errors; naming custom errors in messages.
import fs from "node:fs";
import { HDNodeWallet, JsonRpcProvider, Network, Wallet, type Provider, type Signer } from "ethers";
import { InputError } from "../util/errors";

/** Hardhat's default mnemonic: the accounts of `npx hardhat node` (public; local chains only). */
export const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
export const LOCAL_CHAIN_IDS = new Set([31337n, 1337n]);

/** A provider for `url` that polls quickly (local nodes mine often) and never batches; `chainId` skips detection. */
export function rpcProvider(url: string, chainId?: bigint): JsonRpcProvider {
  const network = chainId === undefined ? undefined : Network.from(chainId);
  return new JsonRpcProvider(url, network, { pollingInterval: 200, batchMaxCount: 1, staticNetwork: network ?? true, cacheTimeout: -1 });
}

/** An account argument that names no usable key; `arg` is the argument (--from, --seller, --buyer). */
export class AccountArgumentError extends InputError {
  override name = "AccountArgumentError";
  /** The argument that named the account (`--from`, `--seller`). */
  get arg(): string {
    return this.field;
  }
  constructor(arg: string, message: string) {
    super(arg, undefined, message); // the value may be a secret's location: not kept
  }
}

/**
 * The key an account argument names: a whole number is an account of Hardhat's default mnemonic
 * (local chains only), `env:NAME` a private key in environment variable NAME, `file:PATH` a file
 * holding one (hex, readable by its owner only). A raw key is refused: argv is visible to every
 * user of the machine (`ps`, /proc/<pid>/cmdline) and stays in the shell's history. `what` names
 * the argument in errors.
 */
export async function signerFrom(spec: string, provider: JsonRpcProvider, what = "--from"): Promise<Signer> {
  if (/^\d+$/.test(spec)) {
    const index = Number(spec);
    if (index > 999) throw new AccountArgumentError(what, `account index ${spec} is out of range [0, 999]`);
    const { chainId } = await provider.getNetwork();
    if (!LOCAL_CHAIN_IDS.has(chainId)) {
      throw new AccountArgumentError(
        what,
        `account index ${spec} means Hardhat's public test mnemonic, refused on chain ${chainId}; use env:NAME or file:PATH`,
      );
    }
    return HDNodeWallet.fromPhrase(HARDHAT_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`).connect(provider);
  }
  let key: string;
  if (spec.startsWith("env:")) {
    const name = spec.slice(4);
    key = process.env[name] ?? "";
    if (!key) throw new AccountArgumentError(what, `environment variable ${name} is not set`);
  } else if (spec.startsWith("file:")) {
    key = readKeyFile(spec.slice(5), what);
  } else {
    // never echo the argument: it may be a key
    throw new AccountArgumentError(
      what,
      "is neither an account index, env:NAME nor file:PATH (a private key is never taken on the command line)",
    );
  }
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(key)) throw new AccountArgumentError(what, `${spec} does not hold a 32-byte hex private key`);
  return new Wallet(key.startsWith("0x") ? key : `0x${key}`, provider);
}

/** The key in file `file` (surrounding whitespace ignored); refused if others than its owner may read it, as ssh does. */
function readKeyFile(file: string, what: string): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new AccountArgumentError(what, `key file ${file} cannot be read`);
  }
  if (process.platform !== "win32" && (stat.mode & 0o077) !== 0) {
    throw new AccountArgumentError(what, `key file ${file} is readable by others (mode ${(stat.mode & 0o777).toString(8)}); chmod 600 it`);
  }
  return fs.readFileSync(file, "utf8").trim();
}

interface RevertLike {
  revert?: { name: string; args: unknown[] } | null;
  shortMessage?: string;
  message?: string;
  code?: string;
}

/** "ErrorName(arg, …)" for a contract revert, else the error's short message (with the node's own words when ethers has none). */
export function describeError(e: unknown): string {
  const r = e as RevertLike & { error?: { message?: string } };
  if (r?.revert?.name) return `${r.revert.name}(${r.revert.args.map((a) => String(a)).join(", ")})`;
  const message = r?.shortMessage ?? r?.message ?? String(e);
  return r?.error?.message && message.startsWith("could not coalesce") ? `${message}: ${r.error.message}` : message;
}

/** Errors worth retrying: the RPC endpoint, not the contract, failed. */
export function isTransient(e: unknown): boolean {
  const r = e as RevertLike & { cause?: { code?: string } };
  if (r?.code === "CALL_EXCEPTION" || r?.revert) return false;
  const code = r?.code ?? r?.cause?.code ?? "";
  return (
    ["NETWORK_ERROR", "SERVER_ERROR", "TIMEOUT", "ECONNREFUSED", "ECONNRESET", "UNKNOWN_ERROR", "ETIMEDOUT"].includes(code) ||
    /ECONNREFUSED|ECONNRESET|socket hang up|fetch failed|timeout/i.test(r?.message ?? "")
  );
}

/** The chain's time: the latest block's timestamp (what services act on, never the wall clock). */
export async function chainTime(provider: Provider): Promise<bigint> {
  return BigInt((await provider.getBlock("latest"))!.timestamp);
}

/** A contract method as TypeChain types it: callable (with overrides last), with `estimateGas`. */
export interface Method<A extends unknown[]> {
  (...args: A): Promise<{ hash: string; wait(): Promise<{ gasUsed: bigint; blockNumber: number; status: number | null } | null> }>;
  staticCall(...args: A): Promise<unknown>;
  estimateGas(...args: A): Promise<bigint>;
}

export class WouldRevert extends Error {
  constructor(
    readonly action: string,
    readonly reason: string,
  ) {
    super(`${action} would revert: ${reason}`);
  }
}

/**
 * Estimate first, then send: a transaction the estimate (an `eth_call`) shows would revert is
 * never sent (it would only burn gas); throws {@link WouldRevert} naming the contract error
 * instead. The gas limit is the estimate plus 50 % (only gas used is paid): by the time the
 * transaction is mined, a later block time or another transaction may take it down a dearer path.
 * Measured on a network node: a block commit ran out at 240,862 of an exact estimate of 241,336, and
 * one ran out at 333,799 of its estimate plus 25 % (334,156) when the keeper's report jailed one of
 * its attesters between the estimate and the mining, handing that delegate's slots to a standby.
 */
export async function sendChecked<A extends unknown[]>(action: string, method: Method<A>, ...args: A) {
  let estimate: bigint;
  try {
    estimate = await method.estimateGas(...args);
  } catch (e) {
    if (isTransient(e)) throw e;
    // ethers decodes custom errors for calls, not for estimates: ask the same question as a call
    const reason = await method.staticCall(...args).then(
      () => describeError(e),
      (c: unknown) => describeError(c),
    );
    throw new WouldRevert(action, reason);
  }
  const tx = await method(...([...args, { gasLimit: (estimate * 150n) / 100n }] as unknown as A));
  const receipt = await tx.wait();
  return { hash: tx.hash, gasUsed: receipt?.gasUsed ?? 0n, block: receipt?.blockNumber ?? 0 };
}
