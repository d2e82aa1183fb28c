// The real components end to end, on either node (`hardhat node` in test/services/network.test.ts,
// Anvil in test/nodes/): the node, the keeper and four delegate clients, each in its own process,
// started by the code behind `npm run network`. The chain's clock runs 12x; the first producer
// withholds its blocks. Midway the keeper is killed (SIGKILL, no clean-up) right after submitting a
// list, and restarted: it must still finalize that election. Afterwards the chain must show three
// elected epochs, each list the reference election, blocks of trades attested by a majority, and
// the withholder punished on the keeper's report. Every JSON-RPC method the deployment, the
// services and the tasks sent must be a standard eth_* method that a hosted RPC serves.
import { expect } from "chai";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Network, DEFAULT_NETWORK_OPTIONS } from "../../src/network/launch";
import type { NodeKind } from "../../src/network/nodes";
import { epochReport } from "../../src/network/observe";
import { sleep } from "../../src/util/sleep";
import { ZeroAddress } from "ethers";
import { freePorts } from "../ports";

/**
 * The standard methods (ethereum/execution-apis, and net_version and web3_clientVersion) a hosted
 * RPC serves. Left out on purpose: eth_accounts, eth_sendTransaction, eth_sign and
 * eth_signTransaction, which need keys held by the node (a hosted RPC holds none).
 */
export const STANDARD_METHODS = new Set([
  "eth_blobBaseFee", "eth_blockNumber", "eth_call", "eth_chainId", "eth_createAccessList", "eth_estimateGas", "eth_feeHistory",
  "eth_gasPrice", "eth_getBalance", "eth_getBlockByHash", "eth_getBlockByNumber", "eth_getBlockReceipts",
  "eth_getBlockTransactionCountByHash", "eth_getBlockTransactionCountByNumber", "eth_getCode", "eth_getFilterChanges",
  "eth_getFilterLogs", "eth_getLogs", "eth_getProof", "eth_getStorageAt", "eth_getTransactionByBlockHashAndIndex",
  "eth_getTransactionByBlockNumberAndIndex", "eth_getTransactionByHash", "eth_getTransactionCount", "eth_getTransactionReceipt",
  "eth_maxPriorityFeePerGas", "eth_newBlockFilter", "eth_newFilter", "eth_sendRawTransaction", "eth_syncing",
  "eth_uninstallFilter", "net_version", "web3_clientVersion",
]); // prettier-ignore

/** The whole network on `node` (ports chosen free: test runs share the machine); `say` gets the run's duration. */
export function describeNetwork(node: NodeKind, say: (line: string) => void = () => undefined) {
  describe(`network on ${node}: node, keeper and delegate clients in their own processes`, function () {
    this.timeout(900_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `energy-dpos-network-${node}-`));
    let network: Network;
    before(async () => {
      const [port, basePort] = [await freePorts(1), await freePorts(4)];
      network = new Network({
        ...DEFAULT_NETWORK_OPTIONS,
        node,
        port,
        basePort,
        speed: 12,
        misbehave: "withhold",
        dir,
        recordRpc: true,
        say: () => undefined,
      });
    });

    let failed = false;
    afterEach(function () {
      if (this.currentTest?.state === "failed") failed = true;
    });
    after(async () => {
      await network.stop();
      if (!failed) fs.rmSync(dir, { recursive: true, force: true }); // kept for reading when a test failed
    });

    async function waitFor(what: string, check: () => Promise<boolean>, limitMs = 300_000) {
      const until = Date.now() + limitMs;
      while (!(await check())) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}; logs in ${dir}`);
        await sleep(250);
      }
    }

    it("elects three epochs by the keeper, produces attested blocks, slashes the withholder, and survives a keeper crash", async () => {
      const started = Date.now();
      await network.start();
      const c = network.contracts;
      const keeper = network.processes.get("keeper")!;
      const keeperAddress = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"; // account 1 of the node
      const [genesis, epochDuration] = await Promise.all([c.election.genesis(), c.election.epochDuration()]);
      const epochNow = async () => ((await network.now()) - genesis) / epochDuration;

      // The first election the keeper submits depends on how fast the processes start (seconds on a
      // loaded machine, while the chain runs 12x): the epochs checked count from it.
      const start = await epochNow();
      let first = 0n;
      await waitFor("the keeper's first submission", async () => {
        for (const e of [start + 1n, start + 2n, start + 3n]) {
          if ((await c.election.elections(e)).submission !== ZeroAddress) return ((first = e), true);
        }
        return false;
      });
      const crash = first + 1n;
      // crash the keeper between its submission for the next epoch and the finalization
      await waitFor(
        `the keeper's submission for epoch ${crash}`,
        async () => (await c.election.elections(crash)).submission !== ZeroAddress,
      );
      expect((await c.election.elections(crash)).finalized, "killed before finalizing").to.equal(false);
      // the point is restart safety, not restart speed: on a loaded machine a new process takes tens of
      // seconds to start, several epochs at 12x, so the fast clock waits for it
      network.pauseClock();
      await network.kill("keeper", "SIGKILL");
      expect(keeper.signalCode).to.equal("SIGKILL");
      network.service("keeper", ["keeper", "--from", "1", "--poll", "250"]);
      await network.waitForLog("keeper", '"event":"started"');
      network.resumeClock();
      await waitFor(`epoch ${crash} finalized by the restarted keeper`, async () => (await c.election.elections(crash)).finalized);
      expect(await epochNow(), `finalized before epoch ${crash} began`).to.be.lessThan(crash);

      await waitFor(`the end of epoch ${first + 2n}`, async () => (await epochNow()) >= first + 3n);
      for (const epoch of [first, crash, first + 2n]) {
        const r = await epochReport(c, epoch);
        expect(r.finalized, `epoch ${epoch} finalized`).to.equal(true);
        expect(r.submitter, `epoch ${epoch} submitted by the keeper`).to.equal(keeperAddress);
        expect([...(await c.election.submittedList(epoch))], `epoch ${epoch}: the reference election`).to.deep.equal([
          ...(await c.election.referenceList(epoch)),
        ]);
        const committed = r.slots.filter((s) => s.committed).length;
        expect(committed, `epoch ${epoch}: committed slots`).to.be.greaterThanOrEqual(3);
        for (const s of r.slots) if (s.committed) expect(s.owner.toLowerCase()).to.not.equal(network.producers[0].toLowerCase());
      }
      const blocks = await c.ledger.queryFilter(c.ledger.filters.BlockCommitted());
      expect(blocks.length).to.be.greaterThanOrEqual(9);
      for (const b of blocks) expect(b.args.attesters.length, "a majority of K = 3 signed").to.be.greaterThanOrEqual(2);
      let trades = 0n;
      for (const b of blocks) {
        const tx = await b.getTransaction();
        trades += c.ledger.interface.parseTransaction(tx)!.args[0].tradeCount;
      }
      expect(trades, "prosumer trades reached blocks").to.be.greaterThan(0n);

      const punished = await c.ledger.queryFilter(c.ledger.filters.OffencePunished(network.producers[0]));
      expect(punished.length, "the withholder was punished").to.be.greaterThanOrEqual(1);
      expect(punished[0].args.offence).to.equal(0n); // missed slot
      expect(punished[0].args.reporter).to.equal(keeperAddress);
      expect(punished[0].args.slashed).to.be.greaterThan(0n);
      const others = await c.ledger.queryFilter(c.ledger.filters.OffencePunished());
      expect(
        others.every((p) => p.args.offender === network.producers[0]),
        "no honest delegate punished",
      ).to.equal(true);
      expect(await c.vault.accountedBalance()).to.equal(await c.token.balanceOf(await c.vault.getAddress()));

      const log = fs.readFileSync(path.join(dir, "keeper.log"), "utf8");
      expect(log.match(/"event":"started"/g)?.length, "two keeper starts in one log").to.equal(2);
      const twice = new RegExp(`"event":"submit","epoch":${crash},.*\\n[\\s\\S]*"event":"submit","epoch":${crash},`);
      expect(log, `the restarted keeper did not submit epoch ${crash} again`).to.not.match(twice);
      say(`network on ${node}: from the node's start to the end of epoch ${first + 2n} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });

    /** `hardhat <args> --network localhost` against the running network. */
    function task(args: string[]): Promise<{ code: number; out: string; err: string }> {
      const env = { ...process.env, LOCALHOST_RPC_URL: network.serviceUrl("tasks"), ENERGY_DPOS_ADDRESSES: network.addressDir() };
      return new Promise((resolve) => {
        execFile(path.join("node_modules", ".bin", "hardhat"), [...args, "--network", "localhost"], { env }, (error, out, err) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, out, err }),
        );
      });
    }

    it("role tasks act and print JSON; bad arguments fail non-zero with a message naming them, changing nothing", async () => {
      const c = network.contracts;
      const consumer = network.consumers[0]; // account 2 + producers
      const from = String(2 + network.producers.length);
      const before = await c.vault.bonded(consumer);
      const benefactor = String(3 + network.producers.length); // the second consumer
      const [deposit, fund, delegates, ...bad] = await Promise.all([
        task(["deposit", "--from", from, "--amount", "1.5", "--json"]),
        task(["fund-rewards", "--from", benefactor, "--amount", "10", "--json"]),
        task(["show-delegates", "--epoch", "4", "--json"]),
        // a refused argument and a transaction the chain would revert; every other refusal is judged
        // in-process (test/cli/parse.test.ts, test/cli/accounts.test.ts): each process costs ~3 s of CPU
        task(["deposit", "--from", from, "--amount", "abc"]),
        task(["admit", "--from", "0", "--node", consumer]),
      ]);
      expect(deposit.code, deposit.err).to.equal(0);
      expect(BigInt(JSON.parse(deposit.out).bonded)).to.equal(before + 1_500_000_000_000_000_000n);
      expect(fund.code, fund.err).to.equal(0);
      const shared = JSON.parse(fund.out).shared;
      // the default shares, 60 / 15 / 25 %, of 10 tokens
      expect([shared.producers, shared.attesters, shared.keepers]).to.deep.equal([
        "6000000000000000000",
        "1500000000000000000",
        "2500000000000000000",
      ]);
      expect(delegates.code, delegates.err).to.equal(0);
      expect(JSON.parse(delegates.out).delegates).to.deep.equal((await epochReport(c, 4n)).delegates);
      const named = ["--amount", "admit would revert"];
      for (const [i, r] of bad.entries()) {
        expect(r.code, named[i]).to.not.equal(0);
        expect(r.err + r.out, named[i]).to.include(named[i]);
      }
      expect(await c.vault.bonded(consumer), "only the good deposit landed").to.equal(before + 1_500_000_000_000_000_000n);
    });

    it("the deployment, the keeper, the delegate clients and the tasks sent standard eth_* methods only", () => {
      const sent = network.recorder!.methods;
      expect([...sent.keys()].sort()).to.deep.equal(["delegate-1", "delegate-2", "delegate-3", "delegate-4", "deploy", "keeper", "tasks"]);
      for (const [caller, methods] of sent) {
        expect(
          [...methods].filter((m) => !STANDARD_METHODS.has(m)),
          `${caller} sent only standard methods (${[...methods].join(", ")})`,
        ).to.deep.equal([]);
      }
      const delegates = new Set([1, 2, 3, 4].flatMap((i) => [...sent.get(`delegate-${i}`)!]));
      for (const [caller, methods] of [
        ...["deploy", "keeper", "tasks"].map((c) => [c, sent.get(c)!] as const),
        ["delegate clients", delegates] as const,
      ]) {
        expect([...methods], `${caller}: keys sign locally, transactions go out raw`).to.include("eth_sendRawTransaction");
      }
      expect([...delegates], "the delegate clients read committed blocks from the logs").to.include("eth_getLogs");
    });
  });
}
