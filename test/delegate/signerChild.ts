// A delegate client in a process of its own, for test/delegate/signer.test.ts to SIGKILL: it
// attaches to the recorded deployment over JSON-RPC, serves HTTP, logs JSON lines to stdout and
// never ticks (the test drives it through /attest alone). Run only as a script, never as a test:
//   RPC_URL=… ADDRESS_DIR=… NODE_KEY=… PORT=… DATA_DIR=… node -r ts-node/register/transpile-only signerChild.ts
import pino from "pino";
import { Wallet } from "ethers";
import { attach } from "../../src/deployment/addressBook";
import { rpcProvider } from "../../src/chain/tx";
import { DelegateClient } from "../../src/delegate/client";

async function main() {
  const env = (name: string) =>
    process.env[name] ??
    (() => {
      throw new Error(`${name} is not set`);
    })();
  const provider = rpcProvider(env("RPC_URL"));
  const signer = new Wallet(env("NODE_KEY"), provider);
  const { contracts } = await attach(signer, env("ADDRESS_DIR"));
  const client = new DelegateClient(contracts, signer, pino(), {
    host: "127.0.0.1",
    port: Number(env("PORT")),
    pollMs: 1_000,
    maxTrades: 10,
    dataDir: env("DATA_DIR"),
  });
  await client.start();
  process.stdout.write(JSON.stringify({ event: "ready" }) + "\n");
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(String(e?.stack ?? e) + "\n");
    process.exit(1);
  });
}
