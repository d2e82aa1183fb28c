// The Ignition module (ignition/modules/) and deploySystem describe one wiring: both deployments,
// read back from the chain alone, have the same options, role grants and links, and those are
// src/deployment/wiring.ts's. A deployment that fails half-way resumes from its journal, keeping
// what it had deployed. The committed parameter files are the presets.
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre, { ethers, ignition } from "hardhat";
import {
  deploy,
  status,
  wipe,
  type ArtifactResolver,
  type DeploymentParameters,
  type DeploymentResult,
} from "@nomicfoundation/ignition-core";
import EnergyDpos from "../../ignition/modules/EnergyDpos";
import { connectContracts, type Contracts } from "../../src/deployment/addressBook";
import { deploySystem } from "../../src/deployment/deploySystem";
import { MODULE_ID, parametersJson, readParametersJson, toIgnitionParameters } from "../../src/deployment/ignitionParameters";
import { PRESETS, presetOptions } from "../../src/deployment/presets";
import { expectedWiring, readSystemOptions, readWiring } from "../../src/deployment/readBack";
import { CONTRACT_NAMES } from "../../src/deployment/wiring";
import { ElectionRule } from "../../src/scoring/electionKey";
import { ScoringModel } from "../../src/scoring/params";

/** Ignition's artifacts and build infos are Hardhat's (what `ignition deploy` uses, built from hre.artifacts). */
const artifactResolver: ArtifactResolver = {
  loadArtifact: (name) => hre.artifacts.readArtifact(name),
  getBuildInfo: async (name) => {
    const a = await hre.artifacts.readArtifact(name);
    return hre.artifacts.getBuildInfo(`${a.sourceName}:${a.contractName}`);
  },
};

/** The embedded network mines each transaction at once: Ignition's default 1 s between polls would be all the time spent. */
const FAST = { blockPollingInterval: 10 };

async function contractsOf(deployed: Record<string, { getAddress(): Promise<string> }>): Promise<Contracts> {
  const entries = await Promise.all(Object.keys(CONTRACT_NAMES).map(async (k) => [k, await deployed[k].getAddress()]));
  return connectContracts(Object.fromEntries(entries), ethers.provider);
}

describe("deployment: the Ignition module and deploySystem", () => {
  it("deploy the same options, role grants and links, read back from the chain", async () => {
    const [admin] = await ethers.getSigners();
    const genesis = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    // not the defaults, so a parameter the module ignored would show
    const options = {
      ...presetOptions("local"),
      model: ScoringModel.DynamicTrust,
      rule: ElectionRule.WeightedRandom,
      delegateCount: 5n,
      genesis,
    };
    const viaIgnition = await contractsOf(
      await ignition.deploy(EnergyDpos, { parameters: toIgnitionParameters(options) as DeploymentParameters, config: FAST }),
    );
    const viaEthers = await deploySystem(admin, options);

    const [a, b] = await Promise.all([readSystemOptions(viaIgnition), readSystemOptions(viaEthers)]);
    expect(a.token).to.equal(await viaIgnition.token.getAddress());
    expect({ ...a, token: "" }).to.deep.equal({ ...b, token: "" });
    expect({ ...a, token: undefined }, "the options asked for").to.deep.equal({ ...options, token: undefined });

    const expected = expectedWiring();
    expect(expected).to.have.length(5 + 23); // each contract's admin, then every grant and link of wiring.ts
    expect(await readWiring(viaIgnition, admin.address)).to.deep.equal(expected);
    expect(await readWiring(viaEthers, admin.address)).to.deep.equal(expected);
  });

  it("resumes a deployment that failed half-way: what was deployed stays, the rest is added", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "energy-dpos-ignition-"));
    try {
      const accounts = (await hre.network.provider.request({ method: "eth_accounts" })) as string[];
      const genesis = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
      const run = (delegateCount: bigint): Promise<DeploymentResult> =>
        deploy({
          provider: hre.network.provider,
          artifactResolver,
          deploymentDir: dir,
          ignitionModule: EnergyDpos,
          deploymentParameters: toIgnitionParameters({ ...presetOptions("local"), delegateCount, genesis }) as DeploymentParameters,
          accounts,
          config: FAST,
        });
      // K = 0: the election's creation reverts (OutOfRange) after the token, vault, registry, meters and lens
      const failed = await run(0n);
      if (failed.type !== "EXECUTION_ERROR") expect.fail(`expected an execution error, got ${failed.type}`);
      expect(failed.failed.map((f) => f.futureId)).to.deep.equal([`${MODULE_ID}#election`]);
      expect(failed.failed[0].error).to.include('OutOfRange("delegateCount", 0, 1, 101)');
      const before = await status(dir);
      expect(before.contracts[`${MODULE_ID}#ledger`], "nothing after the election").to.equal(undefined);
      const vault = before.contracts[`${MODULE_ID}#vault`].address;

      await wipe(dir, artifactResolver, `${MODULE_ID}#election`);
      const resumed = await run(3n);
      expect(resumed.type).to.equal("SUCCESSFUL_DEPLOYMENT");
      const after = await status(dir);
      expect(after.contracts[`${MODULE_ID}#vault`].address, "the vault was not deployed again").to.equal(vault);
      const c = connectContracts(
        Object.fromEntries(Object.keys(CONTRACT_NAMES).map((k) => [k, after.contracts[`${MODULE_ID}#${k}`].address])) as never,
        ethers.provider,
      );
      expect(await c.election.delegateCount()).to.equal(3n);
      expect(await readWiring(c, accounts[0])).to.deep.equal(expectedWiring());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the committed parameter files are the presets, with a genesis to set", async () => {
    for (const preset of PRESETS) {
      const file = path.join(__dirname, "..", "..", "ignition", "parameters", `${preset}.json`);
      const text = fs.readFileSync(file, "utf8");
      const { genesis } = readParametersJson(text, file);
      expect(genesis, `${file}: genesis`).to.be.a("bigint");
      expect(text, file).to.equal(parametersJson(toIgnitionParameters({ ...presetOptions(preset), genesis: genesis! })));
    }
    expect(() => readParametersJson('{"EnergyDpos": {"delegates": "3n"}}', "x.json")).to.throw(
      /x\.json: "EnergyDpos\.delegates": is not a parameter/,
    );
    expect(() => readParametersJson('{"Other": {}}', "x.json")).to.throw(/x\.json: no "EnergyDpos" section/);
  });
});
