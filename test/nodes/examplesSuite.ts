// scripts/examples/ against a real node (`hardhat node` or Anvil), deployed the testnet way: the
// Ignition module from a parameters file, then `record-deployment`. Each example runs as its own
// `ts-node` process with Hardhat's modules made unloadable (noHardhat.cjs); each result is checked
// against the chain, and a bad argument fails naming it, sending nothing.
import { expect } from "chai";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { HDNodeWallet, type BaseContract, type JsonRpcProvider } from "ethers";
import { HARDHAT_MNEMONIC, rpcProvider } from "../../src/chain/tx";
import { attach, type Contracts } from "../../src/deployment/addressBook";
import { parametersJson, toIgnitionParameters } from "../../src/deployment/ignitionParameters";
import { presetOptions } from "../../src/deployment/presets";
import { nodeCommand, type NodeKind } from "../../src/network/nodes";
import { WAD } from "../../src/scoring/params";
import { sleep } from "../../src/util/sleep";
import { freePorts } from "../ports";

const ROOT = path.join(__dirname, "..", "..");
const BIN = path.join(ROOT, "node_modules", ".bin");
type Result = { code: number; out: string; err: string };

function exec(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: ROOT, env: { ...process.env, ...env } }, (error, out, err) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, out, err }),
    );
  });
}

export function describeExamples(kind: NodeKind) {
  describe(`scripts/examples on ${kind}, deployed by the Ignition module`, function () {
    this.timeout(600_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `energy-dpos-examples-${kind}-`));
    const deploymentId = `test-examples-${kind}-${process.pid}`;
    let node: ChildProcess;
    let rpc: string;
    let provider: JsonRpcProvider;
    let c: Contracts;
    const wallet = (i: number) => HDNodeWallet.fromPhrase(HARDHAT_MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`).connect(provider);
    const record = path.join(dir, "addresses", "31337.json");
    const example = (name: string, args: string[]) =>
      exec(path.join(BIN, "ts-node"), [path.join("scripts", "examples", `${name}.ts`), "--rpc", rpc, "--addresses", record, ...args], {
        NODE_OPTIONS: `--require ${path.join(__dirname, "noHardhat.cjs")}`,
        TS_NODE_TRANSPILE_ONLY: "true",
      });
    const json = (r: Result) => {
      expect(r.code, r.err).to.equal(0);
      return r.out
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    };

    before(async () => {
      const port = await freePorts(1);
      rpc = `http://127.0.0.1:${port}`;
      const { command, args } = nodeCommand(kind, port);
      node = spawn(command, args, { cwd: ROOT, stdio: ["ignore", fs.openSync(path.join(dir, "node.log"), "a"), "inherit"] });
      provider = rpcProvider(rpc, 31337n);
      for (let i = 0; ; i++) {
        if (node.exitCode !== null || i > 240) throw new Error(`the ${kind} node did not answer; see ${dir}/node.log`);
        if (
          await provider.getBlockNumber().then(
            () => true,
            () => false,
          )
        )
          break;
        await sleep(250);
      }
      const genesis = BigInt((await provider.getBlock("latest"))!.timestamp);
      const parameters = path.join(dir, "local.json");
      fs.writeFileSync(parameters, parametersJson(toIgnitionParameters({ ...presetOptions("local"), genesis })));
      const env = { LOCALHOST_RPC_URL: rpc, ENERGY_DPOS_ADDRESSES: path.dirname(record) };
      const deployed = await exec(
        path.join(BIN, "hardhat"),
        [
          "ignition",
          "deploy",
          "ignition/modules/EnergyDpos.ts",
          "--network",
          "localhost",
          "--parameters",
          parameters,
          "--deployment-id",
          deploymentId,
        ],
        env,
      );
      expect(deployed.code, deployed.out + deployed.err).to.equal(0);
      const recorded = await exec(
        path.join(BIN, "hardhat"),
        ["record-deployment", "--network", "localhost", "--deployment-id", deploymentId],
        env,
      );
      expect(recorded.code, recorded.out + recorded.err).to.equal(0);
      expect(recorded.out).to.include("28 roles and links as wiring.ts says");
      c = (await attach(provider, path.dirname(record))).contracts;
      for (const i of [2, 3]) await (await c.token.connect(wallet(0)).mint(wallet(i).address, 1_000n * WAD)).wait();
    });

    after(async () => {
      node?.kill();
      provider?.destroy();
      fs.rmSync(path.join(ROOT, "ignition", "deployments", deploymentId), { recursive: true, force: true });
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("register and bond, admit, plan, vote; read a score and the delegates; follow the ledger", async () => {
      const [producer, voter] = [wallet(2).address, wallet(3).address];
      const registered = json(
        await example("register", [
          "--key",
          "2",
          "--class",
          "wind",
          "--capacity",
          "80000",
          "--endpoint",
          "http://127.0.0.1:7001",
          "--deposit",
          "500",
        ]),
      );
      expect(registered.map((l) => l.event)).to.deep.equal(["registered", "bonded"]);
      expect(await c.vault.bonded(producer)).to.equal(500n * WAD);
      json(await example("register", ["--key", "3", "--class", "consumer", "--capacity", "0"]));
      for (const who of [producer, voter]) json(await example("admit", ["--key", "0", "--node", who]));
      expect(await c.registry.isAdmitted(producer)).to.equal(true);

      const [plan] = json(await example("plan", ["--key", "2", "--energy", "5000"]));
      expect((await c.meters.cycleOf(producer, BigInt(plan.cycle as string))).plannedEnergy).to.equal(5000n);
      json(await example("vote", ["--key", "3", "--votes", `${producer}:6`]));
      expect((await c.election.allocationOf(voter)).map((a) => a.candidate)).to.deep.equal([producer]);

      // epoch 1: elect epoch 2 on chain (the reference election), then enter it
      const epoch = async () => c.election.currentEpoch();
      const advance = async (to: bigint) => {
        const start = await c.election.epochStart(to);
        const now = BigInt((await provider.getBlock("latest"))!.timestamp);
        if (start > now) await provider.send("evm_increaseTime", [Number(start - now)]);
        await provider.send("evm_mine", []);
      };
      await advance(1n);
      const admin = c.election.connect(wallet(0));
      await (await admin.openElection(2n)).wait();
      await (await admin.fixSeed(2n)).wait();
      await (await admin.electReference(2n)).wait();
      await advance(2n);
      expect(await epoch()).to.equal(2n);

      const [score] = json(await example("score", ["--node", producer, "--epoch", "2"]));
      const [eligible, onChain, key] = await c.election.scoreOf(2n, producer);
      expect(eligible && onChain > 0n, "an eligible producer with a score").to.equal(true);
      expect(score).to.deep.equal({ node: producer, epoch: "2", eligible: true, score: onChain.toString(), key: key.toString() });
      const [delegates] = json(await example("delegates", []));
      const [list, , k] = await c.election.delegatesOf(2n);
      expect(delegates.delegates).to.deep.equal([...list].slice(0, Number(k)));
      expect(delegates.delegates).to.deep.equal([producer]);
      expect(delegates.slotOwners).to.deep.equal([producer, producer, producer, producer]);

      // follow: the constructor's settings, then a change made while it follows the head
      const follower = spawn(
        path.join(BIN, "ts-node"),
        [path.join("scripts", "examples", "follow.ts"), "--rpc", rpc, "--addresses", record, "--poll", "200"],
        {
          cwd: ROOT,
          env: { ...process.env, NODE_OPTIONS: `--require ${path.join(__dirname, "noHardhat.cjs")}`, TS_NODE_TRANSPILE_ONLY: "true" },
        },
      );
      let printed = "";
      follower.stdout.on("data", (d: Buffer) => (printed += d.toString()));
      const lines = () =>
        printed
          .trim()
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>);
      const waitFor = async (n: number) => {
        for (const until = Date.now() + 120_000; lines().length < n; await sleep(200))
          if (Date.now() > until || follower.exitCode !== null) throw new Error(`follow printed ${printed}`);
      };
      try {
        const past = (await (c.ledger as BaseContract).queryFilter("*", 0)).map((ev) => ("eventName" in ev ? ev.eventName : ""));
        expect(past, "the ledger's constructor and wiring").to.include.members(["PenaltySet", "RewardsSet", "RoleGranted"]);
        await waitFor(past.length);
        expect(lines().map((l) => l.event)).to.deep.equal(past);
        await (
          await c.ledger
            .connect(wallet(0))
            .setRewards({ producerReward: 2n * WAD, attesterReward: WAD / 10n, reporterShare: WAD / 5n, evidenceWindow: 1_200n })
        ).wait();
        await waitFor(past.length + 1);
        expect(lines()[past.length]).to.include({ event: "RewardsSet", producerReward: (2n * WAD).toString() });
      } finally {
        follower.kill();
      }
    });

    it("bad arguments fail naming them and send nothing", async () => {
      const producer = wallet(2).address;
      const nonce = await provider.getTransactionCount(producer);
      const bad: [string, string[], string][] = [
        ["plan", ["--key", "2", "--energy", "abc"], "--energy"],
        ["vote", ["--key", "2", "--votes", "0x12:1"], "--votes"],
        ["register", ["--key", "2", "--class", "solar", "--capacity", "5"], "--class"],
        ["register", ["--key", "2", "--class", "wind", "--capacity", "5"], "register would revert: AlreadyRegistered"],
        ["score", ["--node", "nope"], "--node"],
        ["plan", ["--key", "env:NO_SUCH_KEY", "--energy", "1"], "NO_SUCH_KEY"],
      ];
      for (const [name, args, named] of bad) {
        const r = await example(name, args);
        expect(r.code, `${name} ${args.join(" ")}`).to.equal(1);
        expect(r.err, `${name} ${args.join(" ")}`).to.include(named);
      }
      const wrongFile = await exec(
        path.join(BIN, "ts-node"),
        [path.join("scripts", "examples", "score.ts"), "--rpc", rpc, "--addresses", path.join(dir, "local.json"), "--node", producer],
        {},
      );
      expect(wrongFile.err).to.match(/local\.json: field "chainId"/);
      expect(await provider.getTransactionCount(producer), "nothing was sent").to.equal(nonce);
    });
  });
}
