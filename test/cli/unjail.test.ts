// The `unjail` task (issue 24 item 4), run as a user runs it (`npx hardhat unjail --network
// localhost`) in its own process, against the test's chain over a JSON-RPC bridge: refused while
// the jail lasts, with exit code 1, a message naming --from and the contract's reason, and no
// transaction sent; after the jail it unjails and prints JSON. (Each run is a Hardhat process of
// ~3 s of CPU, so the other refusals are judged by the same pure rule, in test/delegate/unjail.test.ts.)
import { expect } from "chai";
import { execFile } from "node:child_process";
import path from "node:path";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ledgerFixture } from "../ledger/helpers";
import { recordDeployment } from "../../src/deployment/addressBook";
import { tempDir } from "../delegate/helpers";
import { rpcBridge } from "../rpcBridge";

const HARDHAT = path.join(__dirname, "..", "..", "node_modules", ".bin", "hardhat");
const fixture = () => ledgerFixture();

describe("unjail task", function () {
  this.timeout(120_000);
  let bridge: Awaited<ReturnType<typeof rpcBridge>> | undefined;
  after(async () => new Promise<void>((r) => (bridge ? bridge.server.close(() => r()) : r())));

  it("refuses while jailed, naming why and sending nothing; unjails once the jail is over", async () => {
    const f = await loadFixture(fixture);
    const owner = await f.election.slotOwner(f.epoch, 0n);
    await time.increaseTo(await f.slotStart(1n));
    await f.ledger.connect(f.outsider).reportMissedSlot(f.epoch, 0n);
    const { jailedUntil } = await f.registry.creditRecordAt(owner, BigInt(await time.latest()));
    bridge = await rpcBridge(8603);
    const addresses = tempDir("unjail-addresses");
    await recordDeployment(f.system, 31337n, "localhost", 0, addresses);
    const accounts = (await ethers.getSigners()).map((s) => s.address);
    const index = (a: string) => String(accounts.indexOf(a));
    const run = (args: string[]) =>
      new Promise<{ code: number; out: string; err: string }>((resolve) =>
        execFile(
          HARDHAT,
          [...args, "--network", "localhost"],
          { env: { ...process.env, LOCALHOST_RPC_URL: bridge!.url, ENERGY_DPOS_ADDRESSES: addresses, TS_NODE_TRANSPILE_ONLY: "true" } },
          (error, out, err) => resolve({ code: error ? Number(error.code ?? 1) : 0, out, err }),
        ),
      );

    const nonce = await ethers.provider.getTransactionCount(owner);
    const early = await run(["unjail", "--from", index(owner)]);
    expect(early.code, early.out).to.equal(1);
    expect(early.err)
      .to.include(`--from: ${owner} is jailed until`)
      .and.to.include(`(chain time ${jailedUntil})`)
      .and.to.include("(JailNotOver)");
    expect(await ethers.provider.getTransactionCount(owner), "no transaction sent").to.equal(nonce);
    expect(await f.registry.isJailed(owner)).to.equal(true);

    await time.increaseTo(jailedUntil);
    const done = await run(["unjail", "--from", index(owner), "--json"]);
    expect(done.code, done.err).to.equal(0);
    const json = JSON.parse(done.out) as { node: string; unjailed: boolean; tx: string };
    expect(json).to.include({ node: owner, unjailed: true });
    expect((await ethers.provider.getTransactionReceipt(json.tx))!.status).to.equal(1);
    expect(await f.registry.isJailed(owner)).to.equal(false);
  });
});
