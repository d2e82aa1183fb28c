// The SSTORE2 codec of a submitted delegate list (contracts/election/DelegateList.sol), on its own:
// what is stored is what is loaded, the code's bytes are exactly submitter then members (20 bytes
// each), the empty pointer reads as nothing, and `without` removes exactly one entry.
import { expect } from "chai";
import { ethers } from "hardhat";
import fc from "fast-check";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { DelegateListHarness } from "../../typechain-types";

const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => ethers.getAddress(ethers.hexlify(b)));

describe("DelegateList: the SSTORE2 list codec", () => {
  const fixture = async () => ({
    harness: (await (await ethers.getContractFactory("DelegateListHarness")).deploy()) as DelegateListHarness,
  });

  async function stored(harness: DelegateListHarness, submitter: string, list: string[]): Promise<string> {
    await harness.store(submitter, list);
    return harness.lastPointer();
  }

  it("loads back the submitter and the list it stored, for lists of 0 to 133 members (K + standbys at most)", async () => {
    const { harness } = await loadFixture(fixture);
    const cases = fc.sample(fc.tuple(address, fc.array(address, { maxLength: 40 })), { numRuns: 12, seed: 21 });
    cases.push(
      [ethers.ZeroAddress, []],
      [ethers.ZeroAddress, [ethers.ZeroAddress]],
      ["0x" + "ff".repeat(20), Array(133).fill("0x" + "ff".repeat(20))],
    );
    for (const [submitter, list] of cases) {
      const pointer = await stored(harness, submitter, list);
      const [who, members] = await harness.load(pointer);
      expect(who).to.equal(ethers.getAddress(submitter));
      expect([...members]).to.deep.equal(list.map((a) => ethers.getAddress(a)));
      expect(await harness.loadSubmitter(pointer)).to.equal(ethers.getAddress(submitter));
    }
  });

  it("writes exactly the submitter then each member, 20 bytes each, after SSTORE2's leading zero byte", async () => {
    const { harness } = await loadFixture(fixture);
    const [submitter, a, b] = ["0x" + "11".repeat(20), "0x" + "22".repeat(20), "0x" + "33".repeat(20)];
    const pointer = await stored(harness, submitter, [a, b]);
    const code = await ethers.provider.getCode(pointer);
    expect(code).to.equal("0x00" + [submitter, a, b].map((x) => x.slice(2)).join(""));
  });

  it("reads the zero pointer as no submitter and an empty list", async () => {
    const { harness } = await loadFixture(fixture);
    const [who, members] = await harness.load(ethers.ZeroAddress);
    expect(who).to.equal(ethers.ZeroAddress);
    expect(members).to.have.length(0);
  });

  it("without(list, i) drops exactly entry i and keeps the order of the rest", async () => {
    const { harness } = await loadFixture(fixture);
    const list = fc.sample(address, { numRuns: 7, seed: 5 });
    for (let i = 0; i < list.length; i++) {
      expect([...(await harness.without(list, i))]).to.deep.equal([...list.slice(0, i), ...list.slice(i + 1)]);
    }
    await expect(harness.without([], 0)).to.be.reverted; // an index into nothing: checked arithmetic underflows
  });
});
