// Issue 19's attacks on the contracts, each performed against the real contracts and shown to
// fail with nothing changed: stakes, jails, rewards, credit, trust and the ledger's head. Each test
// names its attack by number. The services' share (the delegate client) is in test/delegate/.
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { AbiCoder, keccak256 } from "ethers";
import { commit, header, ledgerFixture, type LedgerFixture } from "../ledger/helpers";
import { populatedElection, sendChallenge } from "../election/helpers";
import { admitNode, deployed } from "../fixtures";
import { bestKeys } from "../../src/election/engine";
import { planRepair } from "../../src/keeper/watcher";
import {
  EMPTY_PAYLOAD_HASH,
  blockHeader,
  encodeTrades,
  forgedBlock,
  signHeader,
  signTrade,
  tradeLeaf,
  tradeTree,
  orderDigester,
  type SignedTrade,
} from "../../src/ledger/signing";
import { NodeClass, WAD } from "../../src/scoring/params";
import { defaultSystemOptions, poolShares } from "../../src/deployment/deploySystem";
import { tieBreak } from "../../src/scoring/electionKey";
import { openElection } from "../../src/election/open";
import { SnapshotReader, toScoringParams } from "../../src/chain/snapshotReader";

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const UINT256_MAX = (1n << 256n) - 1n;

/** `sig` with its v byte replaced by `v`. */
const withV = (sig: string, v: number) => sig.slice(0, 130) + v.toString(16).padStart(2, "0");
/** The same signature with s mirrored to the upper half of the curve order (and v flipped): ecrecover accepts it. */
function highS(sig: string): string {
  const [r, s, v] = [sig.slice(2, 66), BigInt("0x" + sig.slice(66, 130)), parseInt(sig.slice(130, 132), 16)];
  return "0x" + r + (N - s).toString(16).padStart(64, "0") + (v === 27 ? "1c" : "1b");
}
const MALFORMED = ["v = 0", "v = 1", "v = 35", "v = 37", "high s", "64 bytes", "66 bytes", "empty"] as const;
/** Every encoding of one real signature that the ledger's single recovery rule must refuse. */
const malformed = (sig: string): Record<(typeof MALFORMED)[number], string> => ({
  "v = 0": withV(sig, 0),
  "v = 1": withV(sig, 1),
  "v = 35": withV(sig, 35),
  "v = 37": withV(sig, 37),
  "high s": highS(sig),
  "64 bytes": sig.slice(0, 130),
  "66 bytes": sig + "00",
  empty: "0x",
});

/** Everything a punishment could move, for every node of the fixture. */
async function punishable(f: LedgerFixture) {
  const t = await time.latest();
  return Promise.all(
    f.nodes.map(async (n) => {
      const [bonded, [unbonding], credit, trust, reward] = await Promise.all([
        f.vault.bonded(n.address),
        f.vault.unbonding(n.address),
        f.registry.creditRecordAt(n.address, t),
        f.registry.trustRecordAt(n.address, t),
        f.vault.rewards(n.address),
      ]);
      return {
        bonded,
        unbonding,
        jailed: credit.jailed,
        penalty: credit.offencePenalty,
        trust: trust.trust,
        offences: trust.offences,
        reward,
      };
    }),
  );
}

describe("issue 19: attacks on the contracts", () => {
  const fixture = () => ledgerFixture();

  describe("1, 2: slots at or past S", () => {
    it("no missed slot can be reported for a slot number >= S, whatever the epoch", async () => {
      const f = await loadFixture(fixture);
      const S = await f.election.slotsPerEpoch();
      await time.increaseTo(await f.election.epochStart(f.epoch + 2n)); // every slot of f.epoch is over
      const before = await punishable(f);
      for (const slot of [S, S + 1n, S + 5n, 2n * S, UINT256_MAX]) {
        await expect(f.ledger.reportMissedSlot(f.epoch, slot), `slot ${slot}`)
          .to.be.revertedWithCustomError(f.election, "IndexOutOfRange")
          .withArgs("slot", slot, S);
      }
      await expect(f.ledger.reportMissedSlot(UINT256_MAX, 0n))
        .to.be.revertedWithCustomError(f.election, "OutOfRange")
        .withArgs("epoch", UINT256_MAX, 0n, await f.election.maxEpoch());
      expect(await punishable(f)).to.deep.equal(before);
    });

    it("a delegate cannot commit a stale header (e, S + x) during a later epoch's slot, so the real owner keeps its slot", async () => {
      const f = await loadFixture(fixture);
      const S = await f.election.slotsPerEpoch();
      // the set of f.epoch carries over into f.epoch + 1; we are in its slot 1, owned by members[1]
      await time.increaseTo((await f.election.epochStart(f.epoch + 1n)) + (await f.election.slotDuration()));
      await f.election.carryOver(f.epoch + 1n);
      const head = await f.ledger.head();
      const stale = header(f, S + 1n, { parentHash: head }); // names slot 1 of the next epoch's window
      const staleOwner = f.signerOf(f.members[Number((S + 1n) % 3n)]);
      const sigs = await Promise.all([staleOwner, f.signerOf(f.members[2])].map((s) => signHeader(s, f.domain, stale)));
      await expect(f.ledger.connect(staleOwner).commitBlock(stale, sigs, "0x"))
        .to.be.revertedWithCustomError(f.election, "IndexOutOfRange")
        .withArgs("slot", S + 1n, S);
      await expect(f.election.slotOwner(f.epoch, S + 1n))
        .to.be.revertedWithCustomError(f.election, "IndexOutOfRange")
        .withArgs("slot", S + 1n, S);
      expect(await f.ledger.head()).to.equal(head);
      // the real owner's block still goes on the head
      const real = { ...header(f, 1n, { parentHash: head }), epoch: f.epoch + 1n };
      const realOwner = f.signerOf(await f.election.slotOwner(f.epoch + 1n, 1n));
      const realSigs = await Promise.all([realOwner, f.signerOf(f.members[2])].map((s) => signHeader(s, f.domain, real)));
      await expect(f.ledger.connect(realOwner).commitBlock(real, realSigs, "0x")).to.emit(f.ledger, "BlockCommitted");
    });
  });

  describe("3: malformed attestations", () => {
    for (const name of MALFORMED) {
      const mangle = (sig: string) => malformed(sig)[name];
      it(`one attestation with ${name} is ignored, never fatal to the block`, async () => {
        const f = await loadFixture(fixture);
        const h = header(f, 0n, { parentHash: await f.ledger.head() });
        const [p, a, b] = f.members.map((m) => f.signerOf(m));
        const good = await Promise.all([p, a, b].map((s) => signHeader(s, f.domain, h)));
        // the producer, one honest attester, and a third delegate's real signature re-encoded
        await expect(f.ledger.connect(p).commitBlock(h, [good[0], good[1], mangle(good[2])], "0x"))
          .to.emit(f.ledger, "BlockCommitted")
          .withArgs(f.epoch, 0n, f.members[0], await f.ledger.headerDigest(h), [f.members[0], f.members[1]]);
      });
    }

    it("a malformed attestation does not count toward the majority", async () => {
      const f = await loadFixture(fixture);
      const h = header(f, 0n, { parentHash: await f.ledger.head() });
      const [p, a] = f.members.map((m) => f.signerOf(m));
      const [sp, sa] = await Promise.all([p, a].map((s) => signHeader(s, f.domain, h)));
      await expect(f.ledger.connect(p).commitBlock(h, [sp, withV(sa, 0)], "0x"))
        .to.be.revertedWithCustomError(f.ledger, "NotEnoughAttestations")
        .withArgs(1n, 2n);
      await expect(f.ledger.connect(p).commitBlock(h, [withV(sp, 1), sa], "0x")).to.be.revertedWithCustomError(
        f.ledger,
        "ProducerDidNotSign",
      );
    });
  });

  describe("4: one signature rule for trades", () => {
    it("a trade signature is valid exactly when it is 65 bytes, v 27 or 28, low s: the ledger judges re-encodings invalid", async () => {
      const f = await loadFixture(fixture);
      const digest = orderDigester(f.domain);
      const [seller, buyer] = [f.nodes[3], f.nodes[4]];
      const order = { seller: seller.address, buyer: buyer.address, energy: 100n, price: WAD, nonce: 1n };
      // one order per encoding of the buyer's real signature, the canonical one first, in one block
      const kinds = ["canonical", ...MALFORMED] as const;
      const trades: SignedTrade[] = [];
      for (const [i, kind] of kinds.entries()) {
        const o = { ...order, nonce: BigInt(i + 1) };
        const real = await signTrade(buyer, f.domain, o);
        trades.push({
          order: o,
          sellerSignature: await signTrade(seller, f.domain, o),
          buyerSignature: kind === "canonical" ? real : malformed(real)[kind as (typeof MALFORMED)[number]],
        });
      }
      const tree = tradeTree(trades, digest);
      const { tx, h } = await commit(f, 0n, {
        tradeRoot: tree.root,
        tradeCount: BigInt(trades.length),
        energyTotal: 100n * BigInt(trades.length),
      });
      await tx;
      const report = (t: SignedTrade) =>
        f.ledger.reportInvalidTrade(h, t.order, t.sellerSignature, t.buyerSignature, tree.getProof(tradeLeaf(t, digest)));
      await expect(report(trades[0]), "the canonical signature is valid").to.be.revertedWithCustomError(f.ledger, "TradeIsValid");
      // one re-encoding proves the block invalid (the block is punished once); the client must never accept one
      await expect(report(trades[1])).to.emit(f.ledger, "OffencePunished");
    });
  });

  describe("5: the author is punished, not whoever holds the slot at report time", () => {
    it("a delegate that commits a forged block and gets itself jailed in the same slot is punished itself; the standby is untouched", async () => {
      const f = await loadFixture(fixture);
      const forger = f.signerOf(f.members[0]);
      const forged = await forgedBlock(f.domain, f.nodes[3], f.nodes[4].address, forger, 1n);
      const { tx, h } = await commit(f, 0n, { tradeRoot: forged.root, tradeCount: 1n, energyTotal: 100n });
      await tx;
      // the forger double-signs slot 0 and has itself reported: jailed, its later slots pass on
      const other = { ...h, energyTotal: 101n };
      await f.ledger.reportEquivocation(h, await signHeader(forger, f.domain, h), other, await signHeader(forger, f.domain, other));
      expect(await f.registry.isJailed(f.members[0])).to.equal(true);
      expect(await f.election.slotOwner(f.epoch, 0n), "a slot that has begun keeps its owner").to.equal(f.members[0]);
      expect(await f.election.slotOwner(f.epoch, 3n), "its next slot is the standby's").to.equal(f.members[3]);
      const standby = f.members[3];
      const [standbyStake, standbyJail] = [await f.vault.bonded(standby), await f.registry.isJailed(standby)];
      const t = forged.trade;
      await expect(f.ledger.reportInvalidTrade(h, t.order, t.sellerSignature, t.buyerSignature, forged.proof)).to.emit(
        f.ledger,
        "OffencePunished",
      );
      const punished = (await f.ledger.queryFilter(f.ledger.filters.OffencePunished())).map((e) => e.args.offender);
      expect(punished, "every punishment fell on the forger").to.deep.equal([f.members[0], f.members[0]]);
      expect([await f.vault.bonded(standby), await f.registry.isJailed(standby)]).to.deep.equal([standbyStake, standbyJail]);
    });

    it("a delegate jailed 2 s before the end of a slot it withheld keeps the missed slot; the standby is untouched", async () => {
      const f = await loadFixture(fixture);
      const withholder = f.signerOf(f.members[1]); // owns slot 1
      const [start, end] = await f.election.slotWindow(f.epoch, 1n);
      await time.increaseTo(end - 2n);
      const a = header(f, 1n);
      const b = { ...a, energyTotal: 1n };
      await f.ledger.reportEquivocation(a, await signHeader(withholder, f.domain, a), b, await signHeader(withholder, f.domain, b));
      expect(start).to.be.lessThan(end);
      expect(await f.election.slotOwner(f.epoch, 1n)).to.equal(f.members[1]);
      await time.increaseTo(end);
      const standby = f.members[3];
      const standbyStake = await f.vault.bonded(standby);
      await f.ledger.reportMissedSlot(f.epoch, 1n);
      const punished = (await f.ledger.queryFilter(f.ledger.filters.OffencePunished())).map((e) => e.args.offender);
      expect(punished).to.deep.equal([f.members[1], f.members[1]]);
      expect(await f.vault.bonded(standby)).to.equal(standbyStake);
      expect(await f.registry.isJailed(standby)).to.equal(false);
    });
  });

  describe("6: any wrong list is repaired in at most 3L - 1 challenges, each paid", () => {
    it("a list with the worst nodes first and the standbys on top is repaired by the watcher's plan, every challenge paid", async () => {
      const f = await populatedElection(16, 7);
      const right = bestKeys(f.scored, f.maxLength).map((s) => s.node);
      const wrong = [...right].reverse();
      await f.election.connect(f.keeper).submit(f.epoch, wrong);
      const plan = planRepair(wrong, f.byNode, f.maxLength);
      expect(plan.length).to.be.at.most(Number(await f.election.maxRepairChallenges()));
      const reward = await f.election.challengeReward();
      const bond = await f.vault.keeperBond(f.keeper.address);
      for (const c of plan) await (await sendChallenge(f.election, f.outsider, f.epoch, c)).wait();
      expect([...(await f.election.submittedList(f.epoch))]).to.deep.equal(right);
      expect(await f.vault.keeperBond(f.keeper.address), "every challenge paid in full").to.equal(bond - BigInt(plan.length) * reward);
      expect(await f.vault.rewards(f.outsider.address)).to.equal(BigInt(plan.length) * reward);
    });

    it("racing challengers cannot make more order moves: at each moment exactly one move is valid, L - 1 in all", async () => {
      const f = await populatedElection(16, 7);
      const right = bestKeys(f.scored, f.maxLength).map((s) => s.node);
      const L = right.length;
      await f.election.connect(f.keeper).submit(f.epoch, [...right].reverse());
      let moves = 0;
      for (;;) {
        const valid: [number, number][] = [];
        for (let from = 1; from < L; from++) {
          for (let to = 0; to < from; to++) {
            if (
              await f.election.challengeOrder.staticCall(f.epoch, from, to).then(
                () => true,
                () => false,
              )
            )
              valid.push([from, to]);
          }
        }
        if (valid.length === 0) break;
        expect(valid, "one valid move").to.have.length(1);
        await f.election.connect(f.outsider).challengeOrder(f.epoch, ...valid[0]);
        moves++;
      }
      expect([...(await f.election.submittedList(f.epoch))]).to.deep.equal(right);
      expect(moves).to.equal(L - 1);
      expect((await f.election.elections(f.epoch)).sortedPrefix).to.equal(BigInt(L));
    });

    it("one challenge moves an entry across the whole list, and refuses a move to the wrong place", async () => {
      const f = await populatedElection(16, 7);
      const right = bestKeys(f.scored, f.maxLength).map((s) => s.node);
      const L = right.length;
      const wrong = [...right.slice(1), right[0]]; // the best node last
      await f.election.connect(f.keeper).submit(f.epoch, wrong);
      await expect(f.election.challengeOrder(f.epoch, L - 1, 1)).to.be.revertedWithCustomError(f.election, "ChallengeFailed");
      await f.election.connect(f.outsider).challengeOrder(f.epoch, L - 1, 0);
      expect([...(await f.election.submittedList(f.epoch))]).to.deep.equal(right);
    });
  });

  describe("8: registrations are free, so they stay out of the election", () => {
    it("spam registrations do not grow the list the reference election scans", async () => {
      const f = await loadFixture(fixture);
      const count = await f.registry.nodeCount();
      for (const spammer of f.others.slice(8, 18)) await f.registry.connect(spammer).register(NodeClass.Wind, 1n, "");
      expect(await f.registry.nodeCount()).to.equal(count);
      await f.registry.connect(f.admin).admit(f.others[8].address);
      expect(await f.registry.nodeCount()).to.equal(count + 1n);
      expect(await f.registry.nodesPage(count, 5n)).to.deep.equal([f.others[8].address]);
    });
  });

  describe("9: ties follow the seed, never the address", () => {
    it("nodes with equal scores are ordered by keccak256(seed, node), on-chain as in the keeper", async () => {
      const f = await deployed({ standbyCount: 0n, delegateCount: 1n });
      // three identical nodes: the same class, capacity, deposit and no votes, so equal scores
      const twins = f.others.slice(0, 3);
      for (const n of twins) await admitNode(f.system, f.admin, n, { capacity: 50_000n });
      const epoch = (await f.election.currentEpoch()) + 2n;
      await time.increaseTo(await f.election.snapshotOf(epoch));
      const seed = await openElection(f.election, epoch);
      const scored = await SnapshotReader.of(f.system).scoreAll(
        epoch,
        twins.map((t) => t.address),
      );
      expect(new Set(scored.map((s) => s.score)).size, "equal scores").to.equal(1);
      const byTie = [...twins.map((t) => t.address)].sort((a, b) => (tieBreak(seed, a) < tieBreak(seed, b) ? -1 : 1));
      expect([...(await f.election.referenceList(epoch))]).to.deep.equal([byTie[0]]);
      expect(bestKeys(scored, 1).map((s) => s.node)).to.deep.equal([byTie[0]]);
    });
  });

  describe("10: the seed comes from a block nobody can see at opening", () => {
    it("is the prevrandao of the block of the first fixSeed after the opening block, fixed once", async () => {
      const f = await deployed();
      for (const n of f.others.slice(0, 3)) await admitNode(f.system, f.admin, n);
      const epoch = (await f.election.currentEpoch()) + 2n;
      await time.increaseTo(await f.election.snapshotOf(epoch));
      await f.vault.connect(f.keeper).bondKeeper(f.system.options.keeperMinBond);
      await network.provider.send("evm_setAutomine", [false]);
      // opening and fixing in one block: the fix is refused, the opener cannot use a prevrandao it sees
      const open = await f.election.openElection(epoch);
      const early = await f.election.fixSeed(epoch, { gasLimit: 200_000n });
      await mine(1);
      await network.provider.send("evm_setAutomine", [true]);
      const opened = await open.wait();
      const seedBlock = BigInt(opened!.blockNumber) + 1n;
      await expect(early.wait()).to.be.rejected;
      expect((await f.election.elections(epoch)).seedBlock).to.equal(seedBlock);
      await expect(f.election.connect(f.keeper).submit(epoch, [f.others[0].address]))
        .to.be.revertedWithCustomError(f.election, "SeedNotFixed")
        .withArgs(epoch, seedBlock);
      await mine(3); // blocks may pass: the first call after them still fixes it
      const randao = keccak256(AbiCoder.defaultAbiCoder().encode(["string"], ["randao"]));
      await network.provider.send("hardhat_setPrevRandao", [randao]);
      const seed = keccak256(AbiCoder.defaultAbiCoder().encode(["uint256", "uint256"], [randao, epoch]));
      await expect(f.election.fixSeed(epoch)).to.emit(f.election, "SeedFixed").withArgs(epoch, seed);
      await network.provider.send("hardhat_setPrevRandao", [keccak256("0x01")]);
      await expect(f.election.fixSeed(epoch)).not.to.emit(f.election, "SeedFixed");
      expect((await f.election.elections(epoch)).seed).to.equal(seed);
      await expect(f.election.fixSeed(epoch + 1n))
        .to.be.revertedWithCustomError(f.election, "ElectionNotOpen")
        .withArgs(epoch + 1n);
    });

    it("a seed left unfixed is never fixed once its election's epoch has begun", async () => {
      const f = await deployed();
      const epoch = (await f.election.currentEpoch()) + 1n;
      await f.election.openElection(epoch);
      await time.increaseTo(await f.election.epochStart(epoch));
      await expect(f.election.fixSeed(epoch)).to.be.revertedWithCustomError(f.election, "WrongEpoch");
    });
  });

  describe("11: windows and minimums across contracts", () => {
    it("the unbonding period outlasts the evidence and challenge windows whichever setter moves, and the remainder follows minDeposit", async () => {
      const f = await loadFixture(fixture);
      const unbonding = await f.vault.unbondingPeriod();
      const slot = await f.election.slotDuration();
      const r = await f.ledger.rewards();
      const rewards = { producerReward: r.producerReward, attesterReward: r.attesterReward, reporterShare: r.reporterShare };
      // a withdrawal asked for as a slot begins is released one second after its evidence expires
      await expect(f.ledger.connect(f.admin).setRewards({ ...rewards, evidenceWindow: unbonding - slot }))
        .to.be.revertedWithCustomError(f.ledger, "OutOfRange")
        .withArgs("evidenceWindow", unbonding - slot, slot, unbonding - slot - 1n);
      await f.ledger.connect(f.admin).setRewards({ ...rewards, evidenceWindow: unbonding - slot - 1n });
      expect(await f.ledger.minUnbondingPeriod()).to.equal(unbonding);
      await expect(f.vault.connect(f.admin).setUnbondingPeriod(unbonding - 1n)).to.be.revertedWithCustomError(
        f.vault,
        "UnbondingBelowFloor",
      );
      const p = { ...toScoringParams(await f.registry.scoringParams()), minDeposit: 300n * WAD };
      await f.registry.connect(f.admin).setScoringParams(p);
      expect(await f.vault.minRemainder()).to.equal(300n * WAD);
      await expect(f.vault.connect(f.nodes[0]).requestWithdrawal(250n * WAD))
        .to.be.revertedWithCustomError(f.vault, "RemainderBelowMinimum")
        .withArgs(f.nodes[0].address, 250n * WAD, 300n * WAD);
    });

    it("the vault names its floors and its deposit rule once, refusing zero, a floor above the period, and a ninth floor", async () => {
      const f = await loadFixture(fixture);
      const floors = await f.vault.unbondingFloors();
      expect(floors).to.deep.equal([await f.election.getAddress(), await f.ledger.getAddress()]);
      await expect(f.vault.connect(f.admin).addUnbondingFloor(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(f.vault, "ZeroAddress")
        .withArgs("floor");
      const Vault = await ethers.getContractFactory("StakeVault");
      const fresh = await Vault.deploy(await f.token.getAddress(), f.admin.address, 3_600n, poolShares(defaultSystemOptions()));
      expect(await fresh.minRemainder(), "no rule named yet").to.equal(0n);
      await expect(fresh.setDepositRule(ethers.ZeroAddress)).to.be.revertedWithCustomError(fresh, "ZeroAddress").withArgs("rule");
      // the ledger needs its evidence window and a slot: more than an hour
      await expect(fresh.addUnbondingFloor(await f.ledger.getAddress()))
        .to.be.revertedWithCustomError(fresh, "UnbondingBelowFloor")
        .withArgs(3_600n, await f.ledger.getAddress(), await f.ledger.minUnbondingPeriod());
      // the election needs its challenge window, an hour: it fits, up to the most floors a vault keeps
      const max = await fresh.MAX_UNBONDING_FLOORS();
      for (let i = 0n; i < max; i++)
        await expect(fresh.addUnbondingFloor(await f.election.getAddress())).to.emit(fresh, "UnbondingFloorAdded");
      await expect(fresh.addUnbondingFloor(await f.election.getAddress()))
        .to.be.revertedWithCustomError(fresh, "OutOfRange")
        .withArgs("unbondingFloors", max + 1n, 0n, max);
      expect(BigInt((await fresh.unbondingFloors()).length)).to.equal(max);
    });

    it("a challenge window longer than the unbonding period is refused", async () => {
      const f = await loadFixture(fixture);
      const F = await ethers.getContractFactory("DelegateElection");
      const Vault = await ethers.getContractFactory("StakeVault");
      const shortVault = await Vault.deploy(await f.token.getAddress(), f.admin.address, 3_600n, poolShares(defaultSystemOptions()));
      await expect(
        F.deploy(f.admin.address, await f.registry.getAddress(), await shortVault.getAddress(), {
          rule: 0,
          delegateCount: 3n,
          standbyCount: 2n,
          slotsPerEpoch: 24n,
          votesPerNode: 10n,
          challengePeriod: 3_601n,
          keeperMinBond: 14n,
          challengeReward: 1n,
          keeperReward: 1n,
        }),
      )
        .to.be.revertedWithCustomError(F, "OutOfRange")
        .withArgs("challengePeriod", 3_601n, 60n, 3_600n);
    });
  });

  describe("decided: votes that no longer stand for anything", () => {
    it("withdrawing every vote is no vote: it neither resets the credit-loss timer nor counts as participation", async () => {
      const f = await loadFixture(fixture);
      const [voter, candidate] = [f.nodes[4], f.nodes[0]];
      await f.election.connect(voter).vote([candidate.address], [5n]);
      const cast = await time.latest();
      await time.increase(3_600);
      await f.election.connect(voter).vote([], []);
      const now = await time.latest();
      const mine = await f.election.votesAt(voter.address, now);
      expect(mine.lastVote, "the last vote is still the ballot that voted").to.equal(BigInt(cast));
      expect((await f.election.votesAt(candidate.address, now)).votes, "the votes are withdrawn").to.equal(0n);
    });

    it("a node that exited keeps no votes: anyone drops them, never while the voter is admitted", async () => {
      const f = await loadFixture(fixture);
      const [voter, candidate] = [f.nodes[4], f.nodes[0]];
      await f.election.connect(voter).vote([candidate.address], [7n]);
      await expect(f.election.dropVotes(voter.address)).to.be.revertedWithCustomError(f.election, "StillAdmitted").withArgs(voter.address);
      await f.registry.connect(voter).exit();
      await expect(f.election.connect(f.outsider).dropVotes(voter.address)).to.emit(f.election, "VotesDropped").withArgs(voter.address);
      const now = await time.latest();
      expect((await f.election.votesAt(candidate.address, now)).votes).to.equal(0n);
      expect((await f.election.votesAt(candidate.address, now)).total).to.equal(0n);
      await expect(f.election.dropVotes(voter.address)).to.be.revertedWithCustomError(f.election, "NothingToDrop");
    });
  });

  describe("review findings", () => {
    it("a block's payload must be the one its attesters signed, published in the producer's own transaction", async () => {
      const f = await loadFixture(fixture);
      const [p, a] = f.members.map((m) => f.signerOf(m));
      const trades = [await forgedBlock(f.domain, f.nodes[3], f.nodes[4].address, f.nodes[3], 1n)].map((b) => b.trade);
      const h = blockHeader(f.epoch, 0n, await f.ledger.head(), trades, orderDigester(f.domain));
      const sigs = await Promise.all([p, a].map((s) => signHeader(s, f.domain, h)));
      // attested with its trades, committed without them: refused, so no trade can hide in a block
      await expect(f.ledger.connect(p).commitBlock(h, sigs, "0x"))
        .to.be.revertedWithCustomError(f.ledger, "PayloadMismatch")
        .withArgs(h.payloadHash, EMPTY_PAYLOAD_HASH);
      await expect(f.ledger.connect(p).commitBlock(h, sigs, encodeTrades(trades))).to.emit(f.ledger, "BlockCommitted");
    });

    it("a contract cannot commit for a producer, so the payload is always in the transaction's calldata", async () => {
      const f = await loadFixture(fixture);
      // the re-entrant test token's act() forwards any call as the token contract
      const forwarder = await (await ethers.getContractFactory("ReentrantToken")).deploy();
      const h = header(f, 0n, { parentHash: await f.ledger.head() });
      const data = f.ledger.interface.encodeFunctionData("commitBlock", [h, [], "0x"]);
      await expect(forwarder.connect(f.signerOf(f.members[0])).act(await f.ledger.getAddress(), data))
        .to.be.revertedWithCustomError(f.ledger, "NotDirectCall")
        .withArgs(await forwarder.getAddress());
    });

    it("no missed slot is punished on an owner already jailed as the slot began (a set carried over before any hand-over)", async () => {
      const f = await loadFixture(fixture);
      const cheat = f.signerOf(f.members[0]);
      const a = header(f, 0n);
      const b = { ...a, energyTotal: 1n };
      await f.ledger.reportEquivocation(a, await signHeader(cheat, f.domain, a), b, await signHeader(cheat, f.domain, b));
      // nothing elected for f.epoch + 1 and nobody carries the set over: the jailed cheat still owns its slots
      await time.increaseTo(await f.election.epochStart(f.epoch + 2n));
      expect(await f.election.slotOwner(f.epoch + 1n, 0n)).to.equal(f.members[0]);
      const stake = await f.vault.bonded(f.members[0]);
      await expect(f.ledger.reportMissedSlot(f.epoch + 1n, 0n))
        .to.be.revertedWithCustomError(f.ledger, "OwnerJailed")
        .withArgs(f.members[0], f.epoch + 1n, 0n);
      expect(await f.vault.bonded(f.members[0])).to.equal(stake);
    });

    it("an old meter reading applied late never overwrites the quality of a later cycle", async () => {
      const f = await loadFixture(fixture);
      const node = f.nodes[5];
      const first = (await f.meters.currentCycle(node.address)) + 1n;
      await f.meters.connect(node).reportPlan(first, 1_000n);
      const { tradingCycle } = await f.registry.nodeOf(node.address);
      await time.increase(3n * tradingCycle);
      const quality = async () => (await f.registry.creditRecordAt(node.address, await time.latest())).quality;
      // the later cycle (no plan) is settled first: D = 0
      await f.meters.connect(f.admin).reportMeterReading(node.address, first + 1n, 500n);
      expect(await quality()).to.equal(0n);
      // the earlier cycle met its plan exactly, but settled late it must not lift D
      await expect(f.meters.connect(f.admin).reportMeterReading(node.address, first, 1_000n))
        .to.emit(f.meters, "MeterReadingApplied")
        .withArgs(node.address, first, 1_000n, 1_000n, 0n);
      expect(await quality()).to.equal(0n);
    });
  });
});
