// Adversaries of SECURITY.md that the per-contract tests do not already name: a keeper that submits
// a wrong list at the last possible moment, a jailed delegate that tries to act, and delegates that
// withhold their attestations.
import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { populatedElection, sendChallenge } from "../election/helpers";
import { commit, header, ledgerFixture } from "../ledger/helpers";
import { signHeader } from "../../src/ledger/signing";
import { bestKeys } from "../../src/election/engine";
import { applyChallenge, nextChallenge } from "../../src/keeper/watcher";

describe("adversaries", () => {
  it("a wrong list submitted at the deadline still gets a full challenge window and is repaired", async () => {
    const f = await populatedElection(12, 7);
    const right = bestKeys(f.scored, f.maxLength).map((s) => s.node);
    let list = [right[1], right[0], ...right.slice(2, -1), f.outsider.address]; // swapped, and an unregistered node
    await time.setNextBlockTimestamp(await f.election.submissionDeadline(f.epoch));
    await f.election.connect(f.keeper).submit(f.epoch, list);
    const windowEnd = (await f.election.submissionDeadline(f.epoch)) + (await f.election.challengePeriod());
    expect(windowEnd, "the window closes before finalization must happen").to.be.lessThan(await f.election.epochStart(f.epoch));
    for (let c = nextChallenge(list, f.byNode, f.maxLength); c !== null; c = nextChallenge(list, f.byNode, f.maxLength)) {
      await sendChallenge(f.election, f.outsider, f.epoch, c);
      list = applyChallenge(list, c, f.maxLength);
    }
    await time.increaseTo(windowEnd);
    await f.election.finalize(f.epoch);
    expect([...(await f.election.delegatesOf(f.epoch))[0]]).to.deep.equal([...(await f.election.referenceList(f.epoch))]);
  });

  it("a jailed delegate can neither produce its former slots nor leave jail early", async () => {
    const f = await ledgerFixture();
    await time.increaseTo(await f.slotStart(1n));
    await f.ledger.connect(f.outsider).reportMissedSlot(f.epoch, 0n); // members[0] withheld slot 0
    const jailed = f.signerOf(f.members[0]);
    await time.increaseTo(await f.slotStart(3n)); // slot 3 was members[0]'s
    expect(await f.election.slotOwner(f.epoch, 3n), "slot 3 passed to the standby").to.equal(f.members[3]);
    const h = header(f, 3n, { parentHash: await f.ledger.head() });
    await expect(f.ledger.connect(jailed).commitBlock(h, [await signHeader(jailed, f.domain, h)], "0x"))
      .to.be.revertedWithCustomError(f.ledger, "NotSlotOwner")
      .withArgs(f.members[0], f.epoch, 3n, f.members[3]);
    await expect(f.registry.connect(jailed).unjail()).to.be.revertedWithCustomError(f.registry, "JailNotOver");
  });

  it("one delegate of three withholding its attestation cannot stop a block; two make the slot missed and punishable", async () => {
    const f = await ledgerFixture();
    const producer = f.signerOf(f.members[0]);
    // members[2] withholds: the producer and members[1] are a majority of 3
    await expect((await commit(f, 0n, {}, [producer, f.signerOf(f.members[1])])).tx).to.emit(f.ledger, "BlockCommitted");
    // slot 1: both other delegates withhold, so the producer alone cannot commit
    await time.increaseTo(await f.slotStart(1n));
    const alone = await commit(f, 1n, {}, [f.signerOf(f.members[1])]);
    await expect(alone.tx).to.be.revertedWithCustomError(f.ledger, "NotEnoughAttestations");
    await time.increaseTo(await f.slotStart(2n));
    await expect(f.ledger.connect(f.outsider).reportMissedSlot(f.epoch, 1n)).to.emit(f.ledger, "OffencePunished");
  });
});
