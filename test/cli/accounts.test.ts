// Account arguments (issue 20, item 9): --from, --seller and --buyer name a key by account index
// (local chains only), env:NAME or file:PATH, never by the key itself, which argv would show to
// every user of the machine.
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Wallet } from "ethers";
import { AccountArgumentError, rpcProvider, signerFrom } from "../../src/chain/tx";

describe("account arguments", () => {
  const key = Wallet.createRandom();
  const local = rpcProvider("http://127.0.0.1:1", 31337n); // a static network: nothing is ever sent
  const remote = rpcProvider("http://127.0.0.1:1", 11155111n);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "energy-dpos-keys-"));

  it("refuses a raw private key, with or without 0x, without echoing it", async () => {
    for (const raw of [key.privateKey, key.privateKey.slice(2)]) {
      const e = await signerFrom(raw, local, "--seller").catch((x: unknown) => x);
      expect(e).to.be.instanceOf(AccountArgumentError);
      expect((e as AccountArgumentError).arg).to.equal("--seller");
      expect((e as Error).message).to.not.include(key.privateKey.slice(2, 12));
    }
  });

  it("takes env:NAME and an owner-only file:PATH, and refuses a key file others can read", async () => {
    process.env.ENERGY_DPOS_TEST_KEY = key.privateKey;
    expect(await (await signerFrom("env:ENERGY_DPOS_TEST_KEY", remote)).getAddress()).to.equal(key.address);
    delete process.env.ENERGY_DPOS_TEST_KEY;
    await expect(signerFrom("env:ENERGY_DPOS_TEST_KEY", remote, "--buyer")).to.be.rejectedWith(
      AccountArgumentError,
      "--buyer: environment variable",
    );
    const file = path.join(dir, "node.key");
    fs.writeFileSync(file, key.privateKey + "\n", { mode: 0o600 });
    expect(await (await signerFrom(`file:${file}`, remote)).getAddress()).to.equal(key.address);
    fs.chmodSync(file, 0o644);
    await expect(signerFrom(`file:${file}`, remote)).to.be.rejectedWith(AccountArgumentError, "readable by others");
    await expect(signerFrom(`file:${path.join(dir, "missing")}`, remote)).to.be.rejectedWith(AccountArgumentError, "cannot be read");
  });

  it("takes an account index on a local chain only", async () => {
    expect(await (await signerFrom("0", local)).getAddress()).to.equal("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    await expect(signerFrom("0", remote)).to.be.rejectedWith(AccountArgumentError, "refused on chain 11155111");
  });
});
