// experiments/world/populate.ts on both nodes: on Anvil, whose pool refuses a transaction priced
// below the base fee when it is sent, as on the embedded Hardhat network, which queues it.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { HDNodeWallet, type Signer } from "ethers";
import { ethers } from "hardhat";
import { HARDHAT_MNEMONIC, rpcProvider } from "../../src/chain/tx";
import { deploySystem } from "../../src/deployment/deploySystem";
import { presetOptions } from "../../src/deployment/presets";
import { nodeCommand } from "../../src/network/nodes";
import { WAD } from "../../src/scoring/params";
import { sleep } from "../../src/util/sleep";
import { populate, type RpcProvider } from "../../experiments/world/populate";
import { freePorts } from "../ports";

async function populated(admin: Signer, provider: RpcProvider) {
  const system = await deploySystem(admin, presetOptions("local"));
  const wallets = await populate(system, admin, provider, {
    count: 30,
    tag: "nodes-test",
    batch: 20,
    deposit: (i) => BigInt(100 + i) * WAD,
  });
  expect(await system.registry.nodeCount()).to.equal(30n);
  for (const [i, w] of wallets.entries()) expect(await system.vault.bonded(w.address), `node ${i}`).to.equal(BigInt(100 + i) * WAD);
  const latest = await provider.getBlock("latest");
  return latest!.baseFeePerGas;
}

describe("populate on both nodes", function () {
  this.timeout(300_000);

  it("registers, admits and bonds 30 nodes on the embedded Hardhat network", async () => {
    const [admin] = await ethers.getSigners();
    expect(await populated(admin, ethers.provider)).to.equal(0n);
  });

  it("registers, admits and bonds 30 nodes on Anvil, which started at a base fee of 1 gwei", async () => {
    const port = await freePorts(1);
    const { command, args } = nodeCommand("anvil", port);
    const anvil = spawn(command, args, { stdio: "ignore" });
    const provider = rpcProvider(`http://127.0.0.1:${port}`, 31337n);
    try {
      for (
        let i = 0;
        !(await provider.getBlockNumber().then(
          () => true,
          () => false,
        ));
        i++
      ) {
        if (i > 120) throw new Error("Anvil did not answer");
        await sleep(250);
      }
      expect((await provider.getBlock("latest"))!.baseFeePerGas).to.equal(10n ** 9n);
      const admin = HDNodeWallet.fromPhrase(HARDHAT_MNEMONIC, undefined, "m/44'/60'/0'/0/0").connect(provider);
      expect(await populated(admin, provider)).to.equal(0n);
    } finally {
      provider.destroy();
      anvil.kill();
    }
  });
});
