// `npm run dashboard -- --network localhost` (or `--rpc URL`): serves the live dashboard of the
// deployment recorded for the chain it reaches (deploy/addresses/<chainId>.json). It reads only the
// chain and the delegate clients' /health; it keeps running while the RPC is down or no deployment
// is recorded yet, and says so on the page.
import path from "node:path";
import { Command } from "commander";
import { ArgumentError, whole } from "../src/util/parse";
import { startDashboard } from "../src/dashboard/start";
import { ADDRESS_DIR } from "../src/deployment/addressBook";

/** The JSON-RPC endpoint of a network of hardhat.config.ts, read the same way (without loading Hardhat). */
export function networkUrl(name: string): string {
  if (name === "localhost") return process.env.LOCALHOST_RPC_URL ?? "http://127.0.0.1:8545";
  if (name === "testnet") {
    const url = process.env.TESTNET_RPC_URL;
    if (!url) throw new ArgumentError("--network", name, "testnet needs TESTNET_RPC_URL set to its JSON-RPC endpoint");
    return url;
  }
  if (name === "hardhat")
    throw new ArgumentError(
      "--network",
      name,
      "the embedded hardhat network lives inside one process; start `npx hardhat node` and use --network localhost",
    );
  throw new ArgumentError("--network", name, `"${name}" is not a network of hardhat.config.ts (localhost, testnet), or give --rpc URL`);
}

function rpcUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ArgumentError("--rpc", raw, `"${raw}" is not a URL (e.g. http://127.0.0.1:8545)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ArgumentError("--rpc", raw, `"${raw}" is not an http(s) URL`);
  return raw;
}

const program: Command = new Command()
  .name("npm run dashboard --")
  .description("Serve the live dashboard of a recorded deployment")
  .option("--network <name>", "a network of hardhat.config.ts: localhost or testnet")
  .option("--rpc <url>", "a JSON-RPC endpoint instead of --network")
  .option("--port <n>", "HTTP port of the dashboard (0: any free one)", "8090")
  .option("--host <address>", "address to listen on (0.0.0.0 to serve other machines)", "127.0.0.1")
  .option("--addresses <dir>", "folder of the address records", ADDRESS_DIR)
  .option("--poll <ms>", "milliseconds between reads of the chain", "1000")
  .parse();

async function main() {
  const o = program.opts<{ network?: string; rpc?: string; port: string; host: string; addresses: string; poll: string }>();
  let url: string;
  let port: number;
  let pollMs: number;
  try {
    if (o.network !== undefined && o.rpc !== undefined)
      throw new ArgumentError("--network and --rpc", `${o.network} and ${o.rpc}`, "give one of them, not both");
    url = o.rpc !== undefined ? rpcUrl(o.rpc) : networkUrl(o.network ?? "localhost");
    port = Number(whole("--port", o.port, 0n, 65_535n));
    pollMs = Number(whole("--poll", o.poll, 100n, 60_000n));
  } catch (e) {
    program.error((e as Error).message);
  }
  const dashboard = await startDashboard({ rpcUrl: url, port, host: o.host, addressDir: path.resolve(o.addresses), pollMs }).catch(
    (e: Error & { code?: string }) => {
      program.error(
        e.code === "EADDRINUSE" ? `--port: ${port} is already in use on ${o.host}` : `the dashboard could not start: ${e.message}`,
      );
    },
  );
  console.log(`Dashboard on ${dashboard.url} (chain RPC ${url}, address records in ${path.resolve(o.addresses)}). Ctrl-C stops.`);
  const stop = () => void dashboard.stop().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

void main();
