// Ledger test helpers: an elected epoch of 6 nodes (3 delegates, 2 standbys, 6 slots) and commits.
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";
import { admitNode, deployed } from "../fixtures";
import { WAD } from "../../src/scoring/params";
import { EMPTY_PAYLOAD_HASH, ledgerDomain, signHeader, type BlockHeader } from "../../src/ledger/signing";
import type { SystemOptions } from "../../src/deployment/deploySystem";
import { openElection } from "../../src/election/open";

const ZERO = ethers.ZeroHash;

// 6 nodes with falling capacity: delegates are nodes 0-2 in order, standbys 3-4.
export async function ledgerFixture(overrides: Partial<SystemOptions> = {}) {
  const f = await deployed({ slotsPerEpoch: 6n, ...overrides });
  const nodes = f.others.slice(0, 6);
  for (const [i, n] of nodes.entries()) await admitNode(f.system, f.admin, n, { capacity: BigInt(90_000 - i * 10_000) });
  const epoch = (await f.election.currentEpoch()) + 2n;
  await time.increaseTo(await f.election.snapshotOf(epoch));
  await openElection(f.election, epoch);
  await f.election.electReference(epoch);
  const [members] = await f.election.delegatesOf(epoch);
  const bySigner = new Map(nodes.map((n) => [n.address, n]));
  const signerOf = (a: string) => bySigner.get(a)!;
  await f.vault.connect(f.outsider).fundPool(1_000n * WAD);
  const domain = ledgerDomain((await ethers.provider.getNetwork()).chainId, await f.ledger.getAddress());
  const slotStart = async (slot: bigint) => (await f.election.slotWindow(epoch, slot))[0];
  await time.increaseTo(await slotStart(0n));
  return { ...f, nodes, epoch, members: [...members], signerOf, domain, slotStart };
}

export type LedgerFixture = Awaited<ReturnType<typeof ledgerFixture>>;

export const header = (f: LedgerFixture, slot: bigint, over: Partial<BlockHeader> = {}): BlockHeader => ({
  epoch: f.epoch,
  slot,
  parentHash: ZERO,
  tradeRoot: ZERO,
  payloadHash: EMPTY_PAYLOAD_HASH,
  tradeCount: 0n,
  energyTotal: 0n,
  ...over,
});

export async function commit(f: LedgerFixture, slot: bigint, over: Partial<BlockHeader> = {}, signers?: Signer[]) {
  const producer = await f.election.slotOwner(f.epoch, slot);
  const owner = f.signerOf(producer);
  const h = header(f, slot, { parentHash: await f.ledger.head(), ...over });
  const by = signers ?? [owner, f.signerOf(f.members.find((m) => m !== producer)!)];
  const sigs = await Promise.all(by.map((s) => signHeader(s, f.domain, h)));
  return { tx: f.ledger.connect(owner).commitBlock(h, sigs, "0x"), h, owner };
}
