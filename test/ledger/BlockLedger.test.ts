import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { ScoringModel, WAD } from "../../src/scoring/params";
import { orderDigester, signHeader, signTrade, tradeLeaf, tradeTree, type SignedTrade, type TradeOrder } from "../../src/ledger/signing";
import { commit, header, ledgerFixture } from "./helpers";
import { RewardRole } from "../../src/rewards/pool";

describe("BlockLedger", () => {
  const fixture = () => ledgerFixture();
  const trustFixture = () => ledgerFixture({ model: ScoringModel.DynamicTrust });
  const poolSharesFixture = () => ledgerFixture({ producerPoolShareBps: 0n, attesterPoolShareBps: 1n, keeperPoolShareBps: 9_999n });
  describe("commits", () => {
    it("commits a block signed by the producer and a majority, pays producer and attesters", async () => {
      const f = await loadFixture(fixture);
      const { tx, h } = await commit(f, 0n);
      const digest = await f.ledger.headerDigest(h);
      await expect(tx).to.emit(f.ledger, "BlockCommitted").withArgs(f.epoch, 0n, f.members[0], digest, [f.members[0], f.members[1]]);
      expect(await f.ledger.committed(f.epoch, 0n)).to.equal(digest);
      expect(await f.ledger.head()).to.equal(digest);
      expect(await f.ledger.produced(f.epoch, f.members[0])).to.equal(1n);
      expect(await f.vault.rewards(f.members[0])).to.equal(WAD);
      expect(await f.vault.rewards(f.members[1])).to.equal(WAD / 10n);
    });

    it("pays the producer and the attesters only from their own shares of the pool, the attesters equally", async () => {
      // of the fixture's 1,000 tokens, producers get 0 % and attesters 0.01 %: 0.1 token for two attesters asking 0.1 each
      const f = await loadFixture(poolSharesFixture);
      expect(await f.vault.rewardPools()).to.deep.equal([0n, WAD / 10n, (9_999n * WAD) / 10n]);
      const by = f.members.slice(0, 3).map(f.signerOf);
      const { tx } = await commit(f, 0n, {}, by);
      await expect(tx)
        .to.emit(f.vault, "RewardAccrued")
        .withArgs(f.members[2], RewardRole.Attester, WAD / 20n, 0n);
      expect(await Promise.all(f.members.slice(0, 3).map((m) => f.vault.rewards(m)))).to.deep.equal([0n, WAD / 20n, WAD / 20n]);
      // the keepers' 999.9 tokens stayed theirs: no block took any of it
      expect(await f.vault.rewardPools()).to.deep.equal([0n, 0n, (9_999n * WAD) / 10n]);
      expect(await f.ledger.blocksInEpoch(f.epoch)).to.equal(1n);
    });

    it("counts the producer's and attesters' correct actions under the dynamic-trust model (paper 2 eqs. 5, 7)", async () => {
      const f = await loadFixture(trustFixture);
      await (
        await commit(f, 0n)
      ).tx;
      for (const m of f.members.slice(0, 2)) {
        const r = await f.registry.trustRecordAt(m, await time.latest());
        expect([r.correct, r.participated], m).to.deep.equal([1n, 1n]);
      }
      expect((await f.registry.trustRecordAt(f.members[2], await time.latest())).correct).to.equal(0n);
    });

    it("rejects a commit by another node, outside its slot, on a wrong parent, twice", async () => {
      const f = await loadFixture(fixture);
      const h = header(f, 0n);
      const sigs = await Promise.all([f.signerOf(f.members[0]), f.signerOf(f.members[1])].map((s) => signHeader(s, f.domain, h)));
      await expect(f.ledger.connect(f.signerOf(f.members[1])).commitBlock(h, sigs, "0x")).to.be.revertedWithCustomError(
        f.ledger,
        "NotSlotOwner",
      );
      await expect(
        f.ledger.connect(f.signerOf(f.members[0])).commitBlock({ ...h, parentHash: ethers.id("x") }, sigs, "0x"),
      ).to.be.revertedWithCustomError(f.ledger, "WrongParent");
      await f.ledger.connect(f.signerOf(f.members[0])).commitBlock(h, sigs, "0x");
      await expect(f.ledger.connect(f.signerOf(f.members[0])).commitBlock(h, sigs, "0x")).to.be.revertedWithCustomError(
        f.ledger,
        "SlotAlreadyCommitted",
      );
      const later = header(f, 3n, { parentHash: await f.ledger.head() });
      await expect(f.ledger.connect(f.signerOf(f.members[0])).commitBlock(later, sigs, "0x")).to.be.revertedWithCustomError(
        f.ledger,
        "OutsideSlot",
      );
    });

    it("requires more than half of the delegates, the producer among them (51 % validation)", async () => {
      const f = await loadFixture(fixture);
      const producer = f.signerOf(f.members[0]);
      let r = await commit(f, 0n, {}, [producer]);
      await expect(r.tx).to.be.revertedWithCustomError(f.ledger, "NotEnoughAttestations").withArgs(1n, 2n);
      r = await commit(f, 0n, {}, [f.signerOf(f.members[1]), f.signerOf(f.members[2])]);
      await expect(r.tx).to.be.revertedWithCustomError(f.ledger, "ProducerDidNotSign");
      // outsiders' and repeated signatures do not count
      r = await commit(f, 0n, {}, [producer, producer, f.nodes[5]]); // nodes[5] was not elected
      await expect(r.tx).to.be.revertedWithCustomError(f.ledger, "NotEnoughAttestations");
    });

    it("does not count the signature of a delegate that has exited", async () => {
      const f = await loadFixture(fixture);
      await f.registry.connect(f.signerOf(f.members[1])).exit();
      const r = await commit(f, 0n, {}, [f.signerOf(f.members[0]), f.signerOf(f.members[1])]);
      await expect(r.tx).to.be.revertedWithCustomError(f.ledger, "NotEnoughAttestations").withArgs(1n, 2n);
      const ok = await commit(f, 0n, {}, [f.signerOf(f.members[0]), f.signerOf(f.members[1]), f.signerOf(f.members[2])]);
      await expect(ok.tx).to.emit(f.ledger, "BlockCommitted");
    });

    it("sets the clean record (ΔC+) when a delegate produced every block of its epoch", async () => {
      const f = await loadFixture(fixture);
      // delegate 0 owns slots 0 and 3 of 6
      await (
        await commit(f, 0n)
      ).tx;
      for (const s of [1n, 2n]) {
        await time.increaseTo(await f.slotStart(s));
        await (
          await commit(f, s)
        ).tx;
      }
      await time.increaseTo(await f.slotStart(3n));
      await expect((await commit(f, 3n)).tx)
        .to.emit(f.ledger, "CleanEpoch")
        .withArgs(f.members[0], f.epoch);
      // the gain counts at the next epoch's snapshot (the next stage's election), not before, not after
      const next = await f.election.epochStart(f.epoch + 1n);
      const d = await f.election.epochDuration();
      expect((await f.registry.creditRecordAt(f.members[0], next - 1n)).clean).to.equal(true);
      expect((await f.registry.creditRecordAt(f.members[0], next - 2n)).clean).to.equal(false);
      expect((await f.registry.creditRecordAt(f.members[0], next + d - 1n)).clean).to.equal(false);
    });
  });

  describe("offences", () => {
    it("missed slot: jailed, slashed, and its next slot produced by the standby in the same epoch", async () => {
      const f = await loadFixture(fixture);
      const offender = f.members[0];
      await expect(f.ledger.reportMissedSlot(f.epoch, 0n)).to.be.revertedWithCustomError(f.ledger, "SlotNotOver");
      await time.increaseTo(await f.slotStart(1n));
      const bonded = await f.vault.bonded(offender);
      const evidence = ethers.keccak256(
        ethers.AbiCoder.defaultAbiCoder().encode(["string", "uint256", "uint256"], ["missed", f.epoch, 0n]),
      );
      await expect(f.ledger.connect(f.outsider).reportMissedSlot(f.epoch, 0n))
        .to.emit(f.ledger, "OffencePunished")
        .withArgs(offender, 0, evidence, f.outsider.address, bonded / 100n, true)
        .and.to.emit(f.election, "SlotsHandedOver");
      expect(await f.vault.bonded(offender)).to.equal(bonded - bonded / 100n);
      expect(await f.vault.rewards(f.outsider.address)).to.equal(bonded / 100n / 5n);
      expect(await f.registry.isJailed(offender)).to.equal(true);
      expect(await f.election.slotOwner(f.epoch, 3n)).to.equal(f.members[3]);
      await expect(f.ledger.reportMissedSlot(f.epoch, 0n)).to.be.revertedWithCustomError(f.ledger, "EvidenceAlreadyUsed");
      // the standby produces slot 3
      await (
        await commit(f, 1n)
      ).tx;
      await time.increaseTo(await f.slotStart(2n));
      await (
        await commit(f, 2n)
      ).tx;
      await time.increaseTo(await f.slotStart(3n));
      const r = await commit(f, 3n, {}, [f.signerOf(f.members[3]), f.signerOf(f.members[1])]);
      await expect(r.tx).to.emit(f.ledger, "BlockCommitted");
      expect(r.owner).to.equal(f.signerOf(f.members[3]));
      expect(await f.token.balanceOf(await f.vault.getAddress())).to.equal(await f.vault.accountedBalance());
    });

    it("missed slot: refused for a committed slot and for evidence older than the window", async () => {
      const f = await loadFixture(fixture);
      await (
        await commit(f, 0n)
      ).tx;
      await time.increaseTo(await f.slotStart(2n));
      await expect(f.ledger.reportMissedSlot(f.epoch, 0n)).to.be.revertedWithCustomError(f.ledger, "SlotCommitted");
      await time.increase(f.system.options.evidenceWindow + 86_400n);
      await expect(f.ledger.reportMissedSlot(f.epoch, 1n)).to.be.revertedWithCustomError(f.ledger, "EvidenceTooOld");
    });

    it("equivocation: two different headers for one slot signed by one delegate, punished once", async () => {
      const f = await loadFixture(fixture);
      const attester = f.signerOf(f.members[1]);
      const a = header(f, 0n, { tradeCount: 1n });
      const b = header(f, 0n, { tradeCount: 2n });
      const [sa, sb] = [await signHeader(attester, f.domain, a), await signHeader(attester, f.domain, b)];
      await expect(f.ledger.reportEquivocation(a, sa, a, sa)).to.be.revertedWithCustomError(f.ledger, "NotEquivocation");
      await expect(f.ledger.reportEquivocation(a, sa, header(f, 1n), sb)).to.be.revertedWithCustomError(f.ledger, "NotEquivocation");
      const other = await signHeader(f.signerOf(f.members[2]), f.domain, b);
      await expect(f.ledger.reportEquivocation(a, sa, b, other)).to.be.revertedWithCustomError(f.ledger, "NotEquivocation");
      const outsiderSig = [await signHeader(f.outsider, f.domain, a), await signHeader(f.outsider, f.domain, b)];
      await expect(f.ledger.reportEquivocation(a, outsiderSig[0], b, outsiderSig[1])).to.be.revertedWithCustomError(
        f.ledger,
        "SignerNotDelegate",
      );
      await expect(f.ledger.connect(f.outsider).reportEquivocation(a, sa, b, sb)).to.emit(f.ledger, "OffencePunished");
      expect(await f.registry.isJailed(f.members[1])).to.equal(true);
      const c = header(f, 0n, { tradeCount: 3n });
      await expect(f.ledger.reportEquivocation(a, sa, c, await signHeader(attester, f.domain, c))).to.be.revertedWithCustomError(
        f.ledger,
        "EvidenceAlreadyUsed",
      );
    });

    it("invalid block: a committed trade with a forged signature, proven by its Merkle proof", async () => {
      const f = await loadFixture(fixture);
      const [seller, buyer] = [f.signerOf(f.members[3]), f.signerOf(f.members[4])];
      const order = (nonce: bigint): TradeOrder => ({
        seller: seller.address,
        buyer: buyer.address,
        energy: 500n,
        price: 10n * WAD,
        nonce,
      });
      const good: SignedTrade = {
        order: order(1n),
        sellerSignature: await signTrade(seller, f.domain, order(1n)),
        buyerSignature: await signTrade(buyer, f.domain, order(1n)),
      };
      const forged: SignedTrade = {
        order: order(2n),
        sellerSignature: await signTrade(seller, f.domain, order(2n)),
        buyerSignature: await signTrade(f.outsider, f.domain, order(2n)),
      };
      const digest = orderDigester(f.domain);
      const tree = tradeTree([good, forged], digest);
      const { tx, h } = await commit(f, 0n, { tradeRoot: tree.root, tradeCount: 2n, energyTotal: 1000n });
      await tx;
      const proofOf = (t: SignedTrade) => tree.getProof(tradeLeaf(t, digest));
      await expect(
        f.ledger.reportInvalidTrade(h, good.order, good.sellerSignature, good.buyerSignature, proofOf(good)),
      ).to.be.revertedWithCustomError(f.ledger, "TradeIsValid");
      await expect(
        f.ledger.reportInvalidTrade(h, forged.order, forged.sellerSignature, forged.buyerSignature, proofOf(good)),
      ).to.be.revertedWithCustomError(f.ledger, "TradeNotInBlock");
      await expect(
        f.ledger.reportInvalidTrade({ ...h, tradeCount: 9n }, forged.order, forged.sellerSignature, forged.buyerSignature, proofOf(forged)),
      ).to.be.revertedWithCustomError(f.ledger, "HeaderNotCommitted");
      await expect(
        f.ledger.connect(f.outsider).reportInvalidTrade(h, forged.order, forged.sellerSignature, forged.buyerSignature, proofOf(forged)),
      ).to.emit(f.ledger, "OffencePunished");
      expect(await f.registry.isJailed(f.members[0])).to.equal(true);
      await expect(
        f.ledger.reportInvalidTrade(h, forged.order, forged.sellerSignature, forged.buyerSignature, proofOf(forged)),
      ).to.be.revertedWithCustomError(f.ledger, "EvidenceAlreadyUsed");
    });
  });

  describe("trading parties judged as the slot began", () => {
    it("a party jailed after the slot began leaves the block valid; one jailed before makes it invalid", async () => {
      const f = await loadFixture(fixture);
      const [seller, buyer] = [f.signerOf(f.members[3]), f.signerOf(f.members[4])];
      const trade = async (nonce: bigint): Promise<SignedTrade> => {
        const order: TradeOrder = { seller: seller.address, buyer: buyer.address, energy: 500n, price: WAD, nonce };
        return {
          order,
          sellerSignature: await signTrade(seller, f.domain, order),
          buyerSignature: await signTrade(buyer, f.domain, order),
        };
      };
      const digest = orderDigester(f.domain);
      const first = await trade(1n);
      const tree1 = tradeTree([first], digest);
      const { tx, h } = await commit(f, 0n, { tradeRoot: tree1.root, tradeCount: 1n, energyTotal: 500n });
      await tx;
      // the seller is jailed after slot 0 began (here: by a recorder, as any offence would)
      await f.registry.connect(f.admin).grantRole(await f.registry.RECORDER_ROLE(), f.admin.address);
      await f.registry.connect(f.admin).recordOffence(seller.address, 0n, 86_400n);
      const proof1 = tree1.getProof(tradeLeaf(first, digest));
      await expect(
        f.ledger.reportInvalidTrade(h, first.order, first.sellerSignature, first.buyerSignature, proof1),
        "jailed later: still valid",
      ).to.be.revertedWithCustomError(f.ledger, "TradeIsValid");
      // a block of the next slot with the (now jailed) seller's trade is invalid
      await time.increaseTo(await f.slotStart(1n));
      const second = await trade(2n);
      const tree2 = tradeTree([second], digest);
      const c2 = await commit(f, 1n, { tradeRoot: tree2.root, tradeCount: 1n, energyTotal: 500n });
      await c2.tx;
      await expect(
        f.ledger.reportInvalidTrade(
          c2.h,
          second.order,
          second.sellerSignature,
          second.buyerSignature,
          tree2.getProof(tradeLeaf(second, digest)),
        ),
      )
        .to.emit(f.ledger, "OffencePunished")
        .withArgs(await c2.owner.getAddress(), 2, anyValue, f.admin.address, anyValue, anyValue);
    });
  });

  describe("replayed orders", () => {
    it("a signed order committed again in a later block is punished in the later block's producer", async () => {
      const f = await loadFixture(fixture);
      const [seller, buyer] = [f.signerOf(f.members[3]), f.signerOf(f.members[4])];
      const order: TradeOrder = { seller: seller.address, buyer: buyer.address, energy: 500n, price: WAD, nonce: 7n };
      const trade: SignedTrade = {
        order,
        sellerSignature: await signTrade(seller, f.domain, order),
        buyerSignature: await signTrade(buyer, f.domain, order),
      };
      const other: SignedTrade = { ...trade, order: { ...order, nonce: 8n } };
      const digest = orderDigester(f.domain);
      const tree1 = tradeTree([trade, other], digest);
      const tree2 = tradeTree([trade], digest);
      const leaf = tradeLeaf(trade, digest);
      const c1 = await commit(f, 0n, { tradeRoot: tree1.root, tradeCount: 2n });
      await c1.tx;
      await time.increaseTo(await f.slotStart(1n));
      const c2 = await commit(f, 1n, { tradeRoot: tree2.root, tradeCount: 1n });
      await c2.tx;
      const inclusion = (h: typeof c1.h, proof: string[]) => ({
        header: h,
        sellerSignatureHash: leaf[1],
        buyerSignatureHash: leaf[2],
        proof,
      });
      const first = inclusion(c1.h, tree1.getProof(leaf));
      const later = inclusion(c2.h, tree2.getProof(leaf));
      await expect(f.ledger.reportReplayedTrade(leaf[0], later, first)).to.be.revertedWithCustomError(f.ledger, "NotAReplay");
      await expect(f.ledger.reportReplayedTrade(digest(other.order), first, later)).to.be.revertedWithCustomError(
        f.ledger,
        "TradeNotInBlock",
      );
      await expect(f.ledger.connect(f.outsider).reportReplayedTrade(leaf[0], first, later))
        .to.emit(f.ledger, "OffencePunished")
        .withArgs(
          f.members[1],
          2,
          ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["string", "uint256", "uint256"], ["invalid", f.epoch, 1n])),
          f.outsider.address,
          (await f.vault.bonded(f.members[1])) / 20n,
          true,
        );
      expect(await f.registry.isJailed(f.members[1])).to.equal(true);
      expect(await f.registry.isJailed(f.members[0])).to.equal(false);
      await expect(f.ledger.reportReplayedTrade(leaf[0], first, later)).to.be.revertedWithCustomError(f.ledger, "EvidenceAlreadyUsed");
    });
  });

  describe("parameters", () => {
    it("bounds penalties and rewards, parameter admin only", async () => {
      const f = await loadFixture(fixture);
      await expect(f.ledger.connect(f.admin).setPenalty(0, { slashFraction: WAD + 1n, creditPenalty: 0n, jailPeriod: 0n }))
        .to.be.revertedWithCustomError(f.ledger, "OutOfRange")
        .withArgs("slashFraction", WAD + 1n, 0n, WAD);
      await expect(f.ledger.connect(f.admin).setPenalty(1, { slashFraction: WAD, creditPenalty: 0n, jailPeriod: 0n })).to.emit(
        f.ledger,
        "PenaltySet",
      );
      const r = { producerReward: 0n, attesterReward: 0n, reporterShare: 0n, evidenceWindow: 30n * 86_400n };
      await expect(f.ledger.connect(f.admin).setRewards(r))
        .to.be.revertedWithCustomError(f.ledger, "OutOfRange")
        .withArgs(
          "evidenceWindow",
          30n * 86_400n,
          await f.election.slotDuration(),
          (await f.vault.unbondingPeriod()) - (await f.election.slotDuration()) - 1n,
        );
      await expect(f.ledger.connect(f.outsider).setRewards({ ...r, evidenceWindow: 86_400n })).to.be.revertedWithCustomError(
        f.ledger,
        "AccessControlUnauthorizedAccount",
      );
    });
  });
});
