// Where a deployment's addresses live: deploy/addresses/<chainId>.json, written by
// `npx hardhat deploy-system` and read by every role task, the keeper and the delegate clients.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Provider, Signer } from "ethers";
import {
  BlockLedger__factory,
  DelegateElection__factory,
  MeterBook__factory,
  NodeRegistry__factory,
  SnapshotLens__factory,
  StakeVault__factory,
  TestToken__factory,
} from "../../typechain-types";
import type { System } from "./deploySystem";
import { toJson } from "../util/json";

/** The folder of address records; `ENERGY_DPOS_ADDRESSES` points elsewhere (tests use a temporary one). */
export const ADDRESS_DIR = process.env.ENERGY_DPOS_ADDRESSES ?? path.join(__dirname, "..", "..", "deploy", "addresses");

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 20-byte hex address");
const Record = z.object({
  chainId: z.string().regex(/^\d+$/),
  network: z.string(),
  deployedAt: z.string(),
  block: z.number().int().nonnegative(),
  contracts: z.object({
    token: address,
    vault: address,
    registry: address,
    meters: address,
    election: address,
    ledger: address,
    lens: address,
  }),
  /** The deployment options, bigints as decimal strings. */
  options: z.record(z.unknown()),
});
export type DeploymentRecord = z.infer<typeof Record>;

export const recordFile = (chainId: bigint, dir = ADDRESS_DIR) => path.join(dir, `${chainId}.json`);

/** Write the addresses (and options) of `system`, deployed at `block` on chain `chainId`. */
export async function recordDeployment(system: System, chainId: bigint, network: string, block: number, dir = ADDRESS_DIR) {
  const contracts = {
    token: await system.token.getAddress(),
    vault: await system.vault.getAddress(),
    registry: await system.registry.getAddress(),
    meters: await system.meters.getAddress(),
    election: await system.election.getAddress(),
    ledger: await system.ledger.getAddress(),
    lens: await system.lens.getAddress(),
  };
  const record: DeploymentRecord = {
    chainId: chainId.toString(),
    network,
    deployedAt: new Date().toISOString(),
    block,
    contracts,
    options: JSON.parse(toJson(system.options)),
  };
  fs.mkdirSync(dir, { recursive: true });
  const file = recordFile(chainId, dir);
  fs.writeFileSync(file, JSON.stringify(record, null, 2) + "\n");
  return { file, record };
}

/** The recorded deployment of chain `chainId`; a clear error when there is none or it is malformed. */
export function readDeployment(chainId: bigint, dir = ADDRESS_DIR): DeploymentRecord {
  const file = recordFile(chainId, dir);
  if (!fs.existsSync(file)) {
    throw new Error(`no deployment recorded for chain ${chainId} (${file}): run \`npx hardhat deploy-system --network <name>\` first`);
  }
  const parsed = Record.safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: field "${issue.path.join(".")}" ${issue.message}`);
  }
  return parsed.data;
}

export type Contracts = Omit<System, "options" | "gas">;

/**
 * The recorded contracts of the chain `runner` is connected to. Checks that code is there: a
 * restarted `npx hardhat node` keeps chain id 31337 but loses every contract.
 */
export async function attach(runner: Signer | Provider, dir = ADDRESS_DIR): Promise<{ contracts: Contracts; record: DeploymentRecord }> {
  const provider = "provider" in runner && runner.provider ? runner.provider : (runner as Provider);
  const { chainId } = await provider.getNetwork();
  const record = readDeployment(chainId, dir);
  const a = record.contracts;
  if ((await provider.getCode(a.election)) === "0x") {
    throw new Error(
      `chain ${chainId} has no contract at the recorded election ${a.election} (${recordFile(chainId, dir)}): ` +
        "the node was restarted or the file belongs to another chain; deploy again",
    );
  }
  const contracts: Contracts = {
    token: TestToken__factory.connect(a.token, runner),
    vault: StakeVault__factory.connect(a.vault, runner),
    registry: NodeRegistry__factory.connect(a.registry, runner),
    meters: MeterBook__factory.connect(a.meters, runner),
    election: DelegateElection__factory.connect(a.election, runner),
    ledger: BlockLedger__factory.connect(a.ledger, runner),
    lens: SnapshotLens__factory.connect(a.lens, runner),
  };
  return { contracts, record };
}
