// Gas of the block ledger for K = 3 and K = 21 delegates (2 standbys): a block commit with the
// smallest majority of attestations, each evidence kind, and a reward claim.
// Writes results/gas/ledger.{json,md}.
import { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { TypedDataEncoder, type Wallet } from "ethers";
import { writeReport } from "../src/util/report";
import { deploySystem } from "../src/deployment/deploySystem";
import { NodeClass, WAD } from "../src/scoring/params";
import { TRADE_TYPES, ledgerDomain, signHeader, signTrade, tradeTree, type BlockHeader } from "../src/ledger/signing";

const used = async (tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>) => (await (await tx).wait())!.gasUsed;

async function measure(k: bigint) {
  await network.provider.send("hardhat_reset");
  const [admin, reporter] = await ethers.getSigners();
  const system = await deploySystem(admin, { delegateCount: k, standbyCount: 2n, slotsPerEpoch: 2n * k });
  const { token, vault, registry, election, ledger } = system;
  const wallets: Wallet[] = [];
  for (let i = 0n; i < k + 2n; i++) {
    const w = ethers.Wallet.createRandom().connect(ethers.provider) as unknown as Wallet;
    await network.provider.send("hardhat_setBalance", [w.address, "0x56BC75E2D63100000"]);
    await token.mint(w.address, 1_000n * WAD);
    await token.connect(w).approve(await vault.getAddress(), 2n ** 255n);
    await registry.connect(w).register(NodeClass.Wind, 100_000n - i * 100n, "");
    await registry.admit(w.address);
    await vault.connect(w).deposit(500n * WAD);
    wallets.push(w);
  }
  await token.mint(admin.address, 1_000n * WAD);
  await token.approve(await vault.getAddress(), 2n ** 255n);
  await vault.fundPool(1_000n * WAD);
  const epoch = (await election.currentEpoch()) + 2n;
  await time.increaseTo(await election.snapshotOf(epoch));
  await election.openElection(epoch);
  await election.electReference(epoch);
  const [members] = await election.delegatesOf(epoch);
  const byAddress = new Map(wallets.map((w) => [w.address, w]));
  const domain = ledgerDomain((await ethers.provider.getNetwork()).chainId, await ledger.getAddress());
  await time.increaseTo((await ledger.slotWindow(epoch, 0n))[0]);

  const producer = byAddress.get(members[0])!;
  const [seller, buyer] = [byAddress.get(members[1])!, byAddress.get(members[2])!];
  const order = { seller: seller.address, buyer: buyer.address, energy: 100n, price: WAD, nonce: 1n };
  const forged = { order, sellerSignature: await signTrade(seller, domain, order), buyerSignature: await signTrade(reporter, domain, order) };
  const digest = (t: typeof order) => TypedDataEncoder.hash(domain, TRADE_TYPES, t);
  const tree = tradeTree([forged, { ...forged, order: { ...order, nonce: 2n } }], digest);
  const h: BlockHeader = { epoch, slot: 0n, parentHash: ethers.ZeroHash, tradeRoot: tree.root, tradeCount: 2n, energyTotal: 200n };
  const majority = Number(k / 2n + 1n);
  const signatures = await Promise.all(members.slice(0, majority).map((m) => signHeader(byAddress.get(m)!, domain, h)));
  const commit = await used(ledger.connect(producer).commitBlock(h, signatures, "0x"));

  await time.increaseTo((await ledger.slotWindow(epoch, 2n))[0]);
  const missedSlot = await used(ledger.connect(reporter).reportMissedSlot(epoch, 1n));
  const eq = byAddress.get(members[2])!;
  const a = { ...h, slot: 2n, tradeCount: 1n };
  const b = { ...h, slot: 2n, tradeCount: 3n };
  const equivocation = await used(
    ledger.connect(reporter).reportEquivocation(a, await signHeader(eq, domain, a), b, await signHeader(eq, domain, b)),
  );
  const proof = tree.getProof([digest(order), ethers.keccak256(forged.sellerSignature), ethers.keccak256(forged.buyerSignature)]);
  const invalidTrade = await used(
    ledger.connect(reporter).reportInvalidTrade(h, order, forged.sellerSignature, forged.buyerSignature, proof),
  );
  const claim = await used(vault.connect(producer).claim());
  return { k: Number(k), attestations: majority, commit, missedSlot, equivocation, invalidTrade, claim };
}

async function main() {
  const rows = [await measure(3n), await measure(21n)];
  const md = writeReport("gas", "ledger", rows, [
    ["K", "k"],
    ["attestations", "attestations"],
    ["commit", "commit"],
    ["missed slot", "missedSlot"],
    ["equivocation", "equivocation"],
    ["invalid trade", "invalidTrade"],
    ["claim", "claim"],
  ]);
  console.log(md);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
