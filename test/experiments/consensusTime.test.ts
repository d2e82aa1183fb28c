// The consensus-time round does what it times: every node's vote lands, a wave a block, and the
// election it finalizes is the one the contract would compute; bad sizes are refused by name.
import { expect } from "chai";
import { ethers } from "hardhat";
import { measureConsensusTime } from "../../experiments/consensusTime";
import { populationWallet, type RpcProvider } from "../../experiments/world/populate";

describe("experiments: consensus time", () => {
  it("times a whole round whose votes all land, mined a wave of 10 to a block, and finalizes the reference list", async () => {
    const r = await measureConsensusTime(25, 7, 10);
    expect(r.nodes).to.equal(25);
    for (const phase of [r.votes, r.open, r.keeper, r.submit, r.finalize]) expect(phase).to.be.greaterThan(0);
    expect(r.round).to.be.closeTo(r.votes + r.open + r.keeper + r.submit + r.finalize, 1e-9);

    // The network is left as the round ended: read it.
    const provider = ethers.provider as unknown as RpcProvider;
    const election = await ethers.getContractAt(
      "DelegateElection",
      (await ethers.provider.getLogs({ fromBlock: 0, topics: [ethers.id("ElectionOpened(uint256,uint256,uint256)")] }))[0].address,
    );
    const voted = await election.queryFilter(election.filters.Voted());
    const voters = voted.map((e) => e.args.voter);
    expect(voters).to.have.members(Array.from({ length: 25 }, (_, i) => populationWallet("time-25", i, provider).address));
    expect(voted.every((e) => e.args.amounts.length === 1 && e.args.amounts[0] === 10n)).to.equal(true);
    const blocks = new Map<number, number>();
    for (const e of voted) blocks.set(e.blockNumber, (blocks.get(e.blockNumber) ?? 0) + 1);
    expect([...blocks.values()]).to.deep.equal([10, 10, 5]);

    const [finalized] = await election.queryFilter(election.filters.DelegatesFinalized());
    const epoch = finalized.args.epoch;
    expect([...(await election.submittedList(epoch))]).to.deep.equal([...(await election.referenceList(epoch))]);
  });

  it("refuses a round of too few nodes or an empty wave, naming the value", async () => {
    await expect(measureConsensusTime(3, 1)).to.be.rejectedWith("nodes must be an integer of at least 4, got 3");
    await expect(measureConsensusTime(10, 1, 0)).to.be.rejectedWith("wave must be a positive integer, got 0");
  });
});

describe("experiments: Fig. 3's repeated rounds", () => {
  it("times every round of one deployment, each a whole election that finalizes", async () => {
    const { measureRounds } = await import("../../experiments/consensusTime");
    const times = await measureRounds(10, 3, 7);
    expect(times).to.have.length(3);
    for (const t of times) expect(t).to.be.greaterThan(0);
    const election = await ethers.getContractAt(
      "DelegateElection",
      (await ethers.provider.getLogs({ fromBlock: 0, topics: [ethers.id("ElectionOpened(uint256,uint256,uint256)")] }))[0].address,
    );
    expect(await election.queryFilter(election.filters.DelegatesFinalized())).to.have.length(3);
    await expect(measureRounds(10, 0, 1)).to.be.rejectedWith("rounds must be a positive integer, got 0");
  });
});
