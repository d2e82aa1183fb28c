// Shared test set-up: a deployed system, funded accounts and admitted nodes.
import { ethers } from "hardhat";
import type { Signer } from "ethers";
import { deploySystem, type SystemOptions, type System } from "../src/deployment/deploySystem";
import { NodeClass, WAD } from "../src/scoring/params";

export const TOKENS = 1_000_000n * WAD;

export async function deployed(overrides: Partial<SystemOptions> = {}) {
  const signers = await ethers.getSigners();
  const [admin, keeper, outsider, ...others] = signers;
  const system = await deploySystem(admin, overrides);
  const vaultAddress = await system.vault.getAddress();
  for (const s of [keeper, outsider, ...others.slice(0, 20)]) {
    await system.token.mint(await s.getAddress(), TOKENS);
    await system.token.connect(s).approve(vaultAddress, 2n ** 255n);
  }
  return { system, admin, keeper, outsider, others, ...system };
}

/** Register, admit and bond `node` as a producer of `nodeClass` with `capacity` watts. */
export async function admitNode(
  system: System,
  admin: Signer,
  node: Signer,
  { nodeClass = NodeClass.MultiHouseholdCommunityPV, capacity = 50_000n, deposit = 500n * WAD } = {},
) {
  await system.registry.connect(node).register(nodeClass, capacity, "http://127.0.0.1:7000");
  await system.registry.connect(admin).admit(await node.getAddress());
  if (deposit > 0n) await system.vault.connect(node).deposit(deposit);
}
