// The experiments' shortcuts do what the slow paths do: a header signed in-process is the node's
// own signature, byte for byte, and the ledger takes it; a call sent with sendNow is mined, and one
// that reverts throws and changes nothing.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { HeaderSigners, sendNow, sendTogether } from "../../experiments/fastChain";
import { signHeader } from "../../src/ledger/signing";
import { header, ledgerFixture } from "../ledger/helpers";
import { WAD } from "../../src/scoring/params";

describe("experiments: fast chain shortcuts", () => {
  it("HeaderSigners signs exactly as eth_signTypedData_v4 does, and the ledger accepts its signatures", async () => {
    const f = await loadFixture(ledgerFixture);
    const signers = new HeaderSigners(20);
    const producer = await f.election.slotOwner(f.epoch, 0n);
    const attester = f.members.find((m) => m !== producer)!;
    const h = header(f, 0n, { parentHash: await f.ledger.head() });
    const local = signers.sign(f.domain, h, [producer, attester]);
    expect(local).to.deep.equal([await signHeader(f.signerOf(producer), f.domain, h), await signHeader(f.signerOf(attester), f.domain, h)]);
    await expect(f.ledger.connect(f.signerOf(producer)).commitBlock(h, local, "0x")).to.emit(f.ledger, "BlockCommitted");
  });

  it("HeaderSigners names an address it holds no key for", async () => {
    const f = await loadFixture(ledgerFixture);
    const stranger = ethers.Wallet.createRandom().address;
    expect(() => new HeaderSigners(3).sign(f.domain, header(f, 0n), [stranger])).to.throw(
      `${stranger} is not one of the first 3 mnemonic accounts`,
    );
  });

  it("sendNow mines the call; a reverting call throws with the contract's error and changes nothing", async () => {
    const f = await loadFixture(ledgerFixture);
    const before = await f.token.balanceOf(f.outsider.address);
    await sendNow(f.outsider, f.token.transfer.populateTransaction(f.admin.address, WAD));
    expect(await f.token.balanceOf(f.outsider.address)).to.equal(before - WAD);
    const head = await f.ledger.head();
    const h = header(f, 0n, { parentHash: head });
    await expect(sendNow(f.outsider, f.ledger.commitBlock.populateTransaction(h, [], "0x"))).to.be.revertedWithCustomError(
      f.ledger,
      "NotSlotOwner",
    );
    expect(await f.ledger.head()).to.equal(head);
  });

  it("sendTogether mines its calls in one block; a revert among them throws, and automining is back", async () => {
    const f = await loadFixture(ledgerFixture);
    const [a, b] = f.others;
    const start = await ethers.provider.getBlockNumber();
    await sendTogether([a, b].map((from) => ({ from, tx: f.token.transfer.populateTransaction(f.admin.address, WAD) })));
    expect(await ethers.provider.getBlockNumber()).to.equal(start + 1);
    const [last] = await f.token.queryFilter(f.token.filters.Transfer(b.address, f.admin.address), start + 1, start + 1);
    expect(last, "the second transfer is in the new block").to.not.equal(undefined);
    const poor = ethers.Wallet.createRandom().address;
    await expect(
      sendTogether([
        { from: a, tx: f.token.transfer.populateTransaction(f.admin.address, WAD) },
        { from: f.outsider, tx: f.ledger.commitBlock.populateTransaction(header(f, 0n, { parentHash: await f.ledger.head() }), [], "0x") },
      ]),
    ).to.be.rejectedWith(/reverted/);
    expect(await ethers.provider.send("hardhat_getAutomine", [])).to.equal(true);
    await sendNow(a, f.token.transfer.populateTransaction(poor, 1n));
    expect(await f.token.balanceOf(poor)).to.equal(1n);
  });
});
