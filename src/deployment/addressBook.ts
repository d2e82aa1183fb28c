// Where a deployment's addresses live: deploy/addresses/<chainId>.json, written by
// `npx hardhat deploy-system` (or `record-deployment` after an Ignition deployment) and read by
// every role task, the keeper, the delegate clients and the ethers examples (scripts/examples/).
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
import { InputError, StateError } from "../util/errors";

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
  return writeRecord({ chainId, network, block, contracts, options: system.options }, dir);
}

/** Write the record of a deployment at `contracts`, made at `block` with `options`. */
export function writeRecord(
  d: { chainId: bigint; network: string; block: number; contracts: DeploymentRecord["contracts"]; options: object },
  dir = ADDRESS_DIR,
) {
  const record: DeploymentRecord = {
    chainId: d.chainId.toString(),
    network: d.network,
    deployedAt: new Date().toISOString(),
    block: d.block,
    contracts: d.contracts,
    options: JSON.parse(toJson(d.options)),
  };
  fs.mkdirSync(dir, { recursive: true });
  const file = recordFile(d.chainId, dir);
  fs.writeFileSync(file, JSON.stringify(record, null, 2) + "\n");
  return { file, record };
}

/** The recorded deployment of chain `chainId`; a clear error when there is none or it is malformed. */
export function readDeployment(chainId: bigint, dir = ADDRESS_DIR): DeploymentRecord {
  const file = recordFile(chainId, dir);
  if (!fs.existsSync(file)) {
    throw new StateError(
      "deployment",
      chainId,
      `no deployment recorded for chain ${chainId} (${file}): run \`npx hardhat deploy-system --network <name>\` first`,
    );
  }
  return readRecordFile(file);
}

/** The address record in `file` (any name: scripts take one by path); a clear error naming the file and field. */
export function readRecordFile(file: string): DeploymentRecord {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new InputError(file, undefined, `not a readable JSON address record (${(e as Error).message})`);
  }
  const parsed = Record.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(file, issue.path.join("."), `field "${issue.path.join(".")}" ${issue.message}`);
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
  return { contracts: await attachRecord(record, runner, recordFile(chainId, dir)), record };
}

/**
 * The contracts of `record` connected to `runner`, after checking that the record belongs to the
 * runner's chain and that code is there: a restarted `npx hardhat node` keeps chain id 31337 but
 * loses every contract. `file` names the record in errors.
 */
export async function attachRecord(record: DeploymentRecord, runner: Signer | Provider, file: string): Promise<Contracts> {
  const provider = "provider" in runner && runner.provider ? runner.provider : (runner as Provider);
  const { chainId } = await provider.getNetwork();
  if (record.chainId !== chainId.toString())
    throw new StateError(
      file,
      record.chainId,
      `${file}: the record is of chain ${record.chainId}, the RPC endpoint serves chain ${chainId}`,
    );
  const a = record.contracts;
  if ((await provider.getCode(a.election)) === "0x") {
    throw new StateError(
      "election",
      a.election,
      `chain ${chainId} has no contract at the recorded election ${a.election} (${file}): ` +
        "the node was restarted or the file belongs to another chain; deploy again",
    );
  }
  return connectContracts(a, runner);
}

/** TypeChain contracts at `a`, connected to `runner` (no check: see {@link attachRecord}). */
export function connectContracts(a: DeploymentRecord["contracts"], runner: Signer | Provider): Contracts {
  return {
    token: TestToken__factory.connect(a.token, runner),
    vault: StakeVault__factory.connect(a.vault, runner),
    registry: NodeRegistry__factory.connect(a.registry, runner),
    meters: MeterBook__factory.connect(a.meters, runner),
    election: DelegateElection__factory.connect(a.election, runner),
    ledger: BlockLedger__factory.connect(a.ledger, runner),
    lens: SnapshotLens__factory.connect(a.lens, runner),
  };
}
