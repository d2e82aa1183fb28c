// The one argument parser the tasks and scripts share (src/util/parse.ts): each refusal is an
// ArgumentError naming the argument and the value, and each bound is exact (the bound accepted,
// one past it refused). The network suite runs one refusal through a real task process; the rest
// are judged here, in-process, where a case costs microseconds instead of a Hardhat process.
import { expect } from "chai";
import { address, nodeClass, oneOf, parseList, poolShares, tokens, votes, whole, ArgumentError } from "../../src/util/parse";
import { NodeClass, WAD } from "../../src/scoring/params";

/** The ArgumentError `f` throws, checked to name `field` and carry `value`. */
function refusal(f: () => unknown, field: string, value: unknown): ArgumentError {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught, `${field} refused`).to.be.instanceOf(ArgumentError);
  const e = caught as ArgumentError;
  expect([e.field, e.value]).to.deep.equal([field, value]);
  expect(e.message.startsWith(`${field}: `), e.message).to.equal(true);
  return e;
}

describe("argument parsing (src/util/parse.ts)", () => {
  it("tokens: whole tokens with up to 18 decimals, more than 0", () => {
    expect(tokens("--amount", "1.5")).to.equal(WAD + WAD / 2n);
    expect(tokens("--amount", "0.000000000000000001")).to.equal(1n);
    for (const bad of ["abc", "", "-1", "1e3", "0x10", "1.", ".5", "1.0000000000000000001", " 1"])
      expect(refusal(() => tokens("--amount", bad), "--amount", bad).message).to.include("is not a token amount");
    expect(refusal(() => tokens("--amount", "0.0"), "--amount", "0.0").message).to.include("more than 0");
    refusal(() => tokens("--amount", undefined), "--amount", undefined);
  });

  it("whole: digits only, inside [min, max] with both bounds accepted", () => {
    expect(whole("--capacity", "0", 0n, 10n)).to.equal(0n);
    expect(whole("--capacity", "10", 0n, 10n)).to.equal(10n);
    expect(whole("--nonce", (2n ** 256n - 1n).toString())).to.equal(2n ** 256n - 1n);
    expect(refusal(() => whole("--capacity", "11", 0n, 10n), "--capacity", "11").message).to.include("outside [0, 10]");
    expect(refusal(() => whole("--nonce", (2n ** 256n).toString()), "--nonce", (2n ** 256n).toString()).message).to.include("outside");
    for (const bad of ["-1", "1.0", "0x1", "", "1 "]) refusal(() => whole("--epoch", bad), "--epoch", bad);
  });

  it("address: 0x and 40 hex digits, returned checksummed; a wrong checksum is refused", () => {
    const lower = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
    expect(address("--node", lower)).to.equal("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
    for (const bad of ["nope", "0x12", lower.slice(0, 41), "0x70997970C51812dc3A010C7d01b50e0d17dc79c8"])
      expect(refusal(() => address("--node", bad), "--node", bad).message).to.include("is not an address");
  });

  it("nodeClass: a name in any case or 0-6; anything else lists the names", () => {
    expect(nodeClass("--class", "consumer")).to.equal(NodeClass.Consumer);
    expect(nodeClass("--class", "6")).to.equal(6);
    for (const bad of ["Solar", "7", "-1", "", "01"])
      expect(refusal(() => nodeClass("--class", bad), "--class", bad).message).to.include("is not a node class; one of");
  });

  it("votes: address:count entries, each count in [1, 1000], the entry named when one is wrong", () => {
    const a = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    expect(votes("--votes", ` ${a.toLowerCase()} : 1000 `)).to.deep.equal({ candidates: [a], amounts: [1000n] });
    expect(votes("--votes", "")).to.deep.equal({ candidates: [], amounts: [] });
    refusal(() => votes("--votes", "0x12:1"), "--votes entry 1", "0x12");
    refusal(() => votes("--votes", `${a}:1,${a}:1001`), "--votes entry 2 count", "1001");
    refusal(() => votes("--votes", `${a}:0`), "--votes entry 1 count", "0");
    refusal(() => votes("--votes", `${a}:1:2`), "--votes", `${a}:1:2`);
    refusal(() => votes("--votes", a), "--votes", a);
  });

  it("poolShares, oneOf and parseList refuse by name, and accept exactly their domain", () => {
    expect(poolShares("--pool-shares", "10000,0,0")).to.deep.equal({ producers: 10000n, attesters: 0n, keepers: 0n });
    expect(refusal(() => poolShares("--pool-shares", "5000,5000,1"), "--pool-shares", "5000,5000,1").message).to.include("10001");
    expect(oneOf("--model", "credit", ["credit", "trust"])).to.equal("credit");
    refusal(() => oneOf("--model", "Credit", ["credit", "trust"]), "--model", "Credit");
    expect(parseList("GAS_NODES", "10, 100", 1, 100)).to.deep.equal([10, 100]);
    for (const bad of ["10,", "0", "101", "1.5", "a"]) refusal(() => parseList("GAS_NODES", bad, 1, 100), "GAS_NODES", bad);
  });
});
