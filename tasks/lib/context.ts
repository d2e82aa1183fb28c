// What a role task or service needs: the network's JSON-RPC endpoint, the caller's key, the
// recorded contracts. The embedded `hardhat` network is refused: it lives only as long as one
// command, so nothing could be found there again.
import type { Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { attach } from "../../src/deployment/addressBook";
import { rpcProvider, signerFrom } from "../../src/chain/tx";
import { ArgumentError } from "../../src/util/parse";

export async function connect(hre: HardhatRuntimeEnvironment, from: string | undefined) {
  if (hre.network.name === "hardhat" || !("url" in hre.network.config)) {
    throw new ArgumentError(
      "--network",
      hre.network.name,
      `network "${hre.network.name}": role tasks and services act on a running chain; start \`npx hardhat node\` ` +
        "and pass --network localhost (or --network testnet with TESTNET_RPC_URL)",
    );
  }
  const url = hre.network.config.url;
  const provider = rpcProvider(url);
  const spec = from ?? (hre.network.name === "testnet" ? "env:TESTNET_PRIVATE_KEY" : undefined);
  const signer: Signer | undefined = spec === undefined ? undefined : await signerFrom(spec, provider);
  const { contracts, record } = await attach(signer ?? provider);
  return { url, provider, signer, contracts, record };
}

/** The caller's signer, or an error naming --from. */
export function need(signer: Signer | undefined): Signer {
  if (!signer)
    throw new ArgumentError(
      "--from",
      undefined,
      "this action sends a transaction; name the account (an index on a local node, env:NAME or file:PATH)",
    );
  return signer;
}
