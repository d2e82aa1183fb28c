// Slashing protection (issue 19 item 12, issue 20 items 1 and 4): the HeaderSigner never signs two
// different headers for one slot, not for concurrent requests, not after a crash. The crash is a
// real SIGKILL of a delegate client in its own process between two attestation requests.
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { sleep } from "../../src/util/sleep";
import path from "node:path";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { HDNodeWallet, Wallet } from "ethers";
import { header, ledgerFixture, type LedgerFixture } from "../ledger/helpers";
import { recordDeployment } from "../../src/deployment/addressBook";
import { HARDHAT_MNEMONIC } from "../../src/chain/tx";
import { DoubleSignRefused, EpochPruned, HeaderSigner, SigningRecordError } from "../../src/delegate/signer";
import { EMPTY_PAYLOAD_HASH, headerDigest, recoverStrict } from "../../src/ledger/signing";
import { attestBody, post, tempDir, trade } from "./helpers";
import { rpcBridge } from "../rpcBridge";

const fixture = () => ledgerFixture();
const key = Wallet.createRandom();
const domain = {
  name: "EnergyDPoS BlockLedger",
  version: "1",
  chainId: 31337n,
  verifyingContract: "0x000000000000000000000000000000000000dEaD",
};
const h = (epoch: bigint, slot: bigint, energyTotal = 0n) => ({
  epoch,
  slot,
  parentHash: ethers.ZeroHash,
  tradeRoot: ethers.ZeroHash,
  payloadHash: EMPTY_PAYLOAD_HASH,
  tradeCount: 0n,
  energyTotal,
});
const signedLines = (file: string) =>
  fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.includes('"signed"'))
    .map((l) => JSON.parse(l) as { epoch: string; slot: string; digest: string });

describe("delegate client: the persisted signer", () => {
  it("re-signs the identical header with the same answer and refuses another header for the slot, as producer or attester", async () => {
    const s = await HeaderSigner.open(key, domain, 1n, tempDir("signer"));
    const first = await s.sign(h(3n, 1n));
    expect(recoverStrict(headerDigest(domain, h(3n, 1n)), first)).to.equal(key.address);
    expect(await s.sign(h(3n, 1n))).to.equal(first);
    await expect(s.sign(h(3n, 1n, 5n))).to.be.rejectedWith(DoubleSignRefused, "already signed");
    expect(await s.sign(h(3n, 2n))).to.be.a("string"); // another slot is free
    s.close();
  });

  it("signs one of two conflicting headers requested at the same moment, never both", async () => {
    const s = await HeaderSigner.open(key, domain, 1n, tempDir("signer"));
    const results = await Promise.allSettled([s.sign(h(4n, 0n)), s.sign(h(4n, 0n, 1n)), s.sign(h(4n, 0n, 2n)), s.sign(h(4n, 0n))]);
    const signed = results.filter((r) => r.status === "fulfilled").map((r) => (r as PromiseFulfilledResult<string>).value);
    expect(new Set(signed).size, "one signature").to.equal(1);
    expect(results.filter((r) => r.status === "rejected" && r.reason instanceof DoubleSignRefused).length).to.equal(2);
    expect(signedLines(s.file!).length, "one record on disk").to.equal(1);
    s.close();
  });

  it("loads its record on start, drops a torn last line, refuses an unreadable one, and one process per record", async () => {
    const dir = tempDir("signer");
    const a = await HeaderSigner.open(key, domain, 1n, dir);
    await a.sign(h(5n, 0n));
    await expect(HeaderSigner.open(key, domain, 1n, dir), "a second open in this process").to.be.rejectedWith(
      SigningRecordError,
      "already open",
    );
    a.close();
    // a crash in the middle of an append: the line has no newline, its signature was never returned
    fs.appendFileSync(a.file!, '{"kind":"signed","epoch":"5","slot":"1","dig');
    const b = await HeaderSigner.open(key, domain, 1n, dir);
    await expect(b.sign(h(5n, 0n, 9n))).to.be.rejectedWith(DoubleSignRefused);
    expect(await b.sign(h(5n, 1n, 9n)), "the torn record is not a signature").to.be.a("string");
    b.close();
    // a lock left by a dead process is taken over; a record with a garbled line is refused
    fs.writeFileSync(`${b.file}.lock`, "999999999");
    const c = await HeaderSigner.open(key, domain, 1n, dir);
    c.close();
    fs.writeFileSync(b.file!, fs.readFileSync(b.file!, "utf8").replace('"kind":"signed"', '"kind":"signed",,'));
    await expect(HeaderSigner.open(key, domain, 1n, dir)).to.be.rejectedWith(SigningRecordError, "not JSON");
  });

  it("keeps one file per deployment: another clock genesis at the same ledger address starts afresh", async () => {
    const dir = tempDir("signer");
    const old = await HeaderSigner.open(key, domain, 1n, dir);
    await old.sign(h(2n, 0n));
    old.close();
    const fresh = await HeaderSigner.open(key, domain, 2n, dir);
    expect(await fresh.sign(h(2n, 0n, 1n))).to.be.a("string");
    expect(fresh.file).to.not.equal(old.file);
    fresh.close();
  });

  it("prunes epochs before a given one, and refuses to sign there afterwards, across a restart", async () => {
    const dir = tempDir("signer");
    const s = await HeaderSigner.open(key, domain, 1n, dir);
    for (const e of [1n, 2n, 3n]) await s.sign(h(e, 0n));
    await s.prune(3n);
    expect(s.size).to.equal(1);
    expect(signedLines(s.file!).map((l) => l.epoch)).to.deep.equal(["3"]);
    s.close();
    const again = await HeaderSigner.open(key, domain, 1n, dir);
    await expect(again.sign(h(2n, 0n, 7n))).to.be.rejectedWith(EpochPruned);
    await expect(again.sign(h(3n, 0n, 7n))).to.be.rejectedWith(DoubleSignRefused);
    again.close();
  });

  describe("a delegate client killed with SIGKILL between two attestation requests", function () {
    this.timeout(120_000);
    let bridge: Awaited<ReturnType<typeof rpcBridge>>["server"] | undefined;
    let child: ChildProcess | undefined;
    after(async () => {
      child?.kill("SIGKILL");
      await new Promise((r) => (bridge ? bridge.close(r) : r(undefined)));
    });

    it("refuses, restarted, a conflicting header for the slot it attested, and answers the same header with the same signature", async () => {
      const f = await loadFixture(fixture);
      const owner = await f.election.slotOwner(f.epoch, 0n);
      const attester = f.members.slice(0, 3).find((m) => m !== owner)!;
      const rpc = await rpcBridge(8601);
      bridge = rpc.server;
      const addressDir = tempDir("addresses");
      await recordDeployment(f.system, 31337n, "test", 0, addressDir);
      const dataDir = tempDir("signer");
      const port = 7401;
      const logs: string[] = [];
      const nodeKey = await keyOf(attester); // in the environment, never in argv
      const run = () =>
        startChild({ RPC_URL: rpc.url, ADDRESS_DIR: addressDir, NODE_KEY: nodeKey, PORT: String(port), DATA_DIR: dataDir }, logs);

      const a = header(f, 0n, { parentHash: await f.ledger.head() });
      child = await run();
      const first = await post(port, "/attest", await attestBody(f, f.signerOf(owner), a));
      expect(first.status, first.json.error).to.equal(200);
      expect(recoverStrict(headerDigest(f.domain, a), first.json.signature!)).to.equal(attester);

      // the log line may still be on its way through the pipe (pino writes asynchronously): the
      // count below is of lines the first process wrote, so wait for its line before killing it
      for (let i = 0; i < 100 && !logs.some((l) => l.includes('"event":"attested"')); i++) await sleep(50);
      child.kill("SIGKILL");
      await new Promise((r) => child!.once("exit", r));
      expect(child.signalCode).to.equal("SIGKILL");

      child = await run();
      // a valid block of one trade for the same slot: only the record on disk can refuse it
      const t = await trade(f, f.signerOf(f.members[3]), f.signerOf(f.members[4]), 1n);
      const bBody = await blockBody(f, owner, a.parentHash, [t]);
      const conflicting = await post(port, "/attest", bBody);
      expect(conflicting.status).to.equal(409);
      expect(conflicting.json.error).to.include("already signed");
      const same = await post(port, "/attest", await attestBody(f, f.signerOf(owner), a));
      expect(same.json.signature, "the same header, the same signature").to.equal(first.json.signature);

      const [file] = fs.readdirSync(dataDir).filter((n) => n.endsWith(".jsonl"));
      const records = signedLines(path.join(dataDir, file)).filter((l) => l.epoch === String(f.epoch) && l.slot === "0");
      expect(
        records.map((r) => r.digest),
        "one header signed for the slot, ever",
      ).to.deep.equal([headerDigest(f.domain, a)]);
      expect(logs.filter((l) => l.includes('"event":"attested"')).length, "one signature produced across both processes").to.equal(1);
    });
  });
});

/** An /attest body for a block of `trades` on `parent` in slot 0, signed by `producer`. */
async function blockBody(f: LedgerFixture, producer: string, parent: string, trades: Awaited<ReturnType<typeof trade>>[]) {
  const { blockHeader, orderDigester } = await import("../../src/ledger/signing");
  return attestBody(f, f.signerOf(producer), blockHeader(f.epoch, 0n, parent, trades, orderDigester(f.domain)), trades);
}

/** The private key of a Hardhat test account (the default mnemonic). */
async function keyOf(address: string): Promise<string> {
  const index = (await ethers.getSigners()).findIndex((s) => s.address === address);
  return HDNodeWallet.fromPhrase(HARDHAT_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`).privateKey;
}

/** Start test/delegate/signerChild.ts; resolves once it serves HTTP. Its stdout lines go to `logs`. */
function startChild(env: Record<string, string>, logs: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "signerChild.ts")], {
    env: { ...process.env, ...env, TS_NODE_TRANSPILE_ONLY: "true" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    child.stdout!.on("data", (d: Buffer) => {
      for (const line of d.toString().split("\n").filter(Boolean)) {
        logs.push(line);
        if (line.includes('"event":"ready"')) resolve(child);
      }
    });
    child.once("exit", (code) => reject(new Error(`the child exited (${code}) before serving: ${stderr}`)));
  });
}
