// What every example shares: the arguments naming the chain (--rpc, or RPC_URL) and the deployment
// (--addresses, an address record such as deploy/addresses/<chainId>.json, or ADDRESSES), a key
// (--key: env:NAME, file:PATH, or an account index on a local chain), and one way to fail: a line
// naming what is wrong, exit code 1, nothing sent. Plain ethers, TypeChain and src/: no Hardhat.
import { Command } from "commander";
import type { JsonRpcProvider, Signer } from "ethers";
import { attachRecord, readRecordFile, type Contracts, type DeploymentRecord } from "../../src/deployment/addressBook";
import { describeError, rpcProvider, signerFrom } from "../../src/chain/tx";
import { ArgumentError } from "../../src/util/parse";

export interface Chain {
  provider: JsonRpcProvider;
  contracts: Contracts;
  record: DeploymentRecord;
}

/** A command with the options every example takes. */
export function example(name: string, description: string): Command {
  return new Command()
    .name(`npx ts-node scripts/examples/${name}.ts`)
    .description(description)
    .option("--rpc <url>", "JSON-RPC endpoint (default: $RPC_URL)", process.env.RPC_URL)
    .option("--addresses <file>", "address record of the deployment (default: $ADDRESSES)", process.env.ADDRESSES);
}

/** The chain and the recorded contracts the options name, checked: the record must be of this chain, with code at its addresses. */
export async function connect(opts: { rpc?: string; addresses?: string }): Promise<Chain> {
  if (!opts.rpc || !/^https?:\/\/\S+$/.test(opts.rpc))
    throw new ArgumentError("--rpc", opts.rpc, `"${opts.rpc ?? ""}" is not an http(s) URL (or set RPC_URL)`);
  if (!opts.addresses) throw new ArgumentError("--addresses", undefined, "name the deployment's address record (or set ADDRESSES)");
  const record = readRecordFile(opts.addresses);
  const provider = rpcProvider(opts.rpc);
  return { provider, record, contracts: await attachRecord(record, provider, opts.addresses) };
}

/** The key `spec` names (--key), connected to the chain. */
export async function keyOf(chain: Chain, spec: string | undefined): Promise<Signer> {
  if (spec === undefined)
    throw new ArgumentError(
      "--key",
      undefined,
      "this example sends a transaction; name the key (env:NAME, file:PATH, or an index on a local chain)",
    );
  return signerFrom(spec, chain.provider, "--key");
}

/** Run `main`; any failure prints one line and exits 1. */
export function run(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(`error: ${e instanceof Error && !("code" in e) ? e.message : describeError(e)}`);
      process.exit(1);
    },
  );
}
