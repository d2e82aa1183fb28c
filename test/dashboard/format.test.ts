// The page's own logic: numbers, the countdown at the chain's rate, the stale-data banner, paging
// arithmetic and routes.
import { expect } from "chai";
import type { DashboardStatus } from "../../src/dashboard/api";
import {
  bannerFor,
  chainClock,
  compactNumber,
  countdown,
  downloadUrl,
  duration,
  formatDecimal,
  pager,
  parseRoute,
  routeHash,
  shortAddress,
  type Route,
} from "../../src/dashboard/ui/format";

const up = (over: Partial<DashboardStatus> = {}): DashboardStatus => ({
  version: 3,
  serverTime: 1_000_000,
  rpc: { url: "http://127.0.0.1:8545", state: "up" },
  deployment: { state: "ok", chainId: "31337" },
  chain: { chainId: "31337", block: 120, time: 5_000, seenAt: 1_000_000, rate: 10 },
  now: { epoch: 3, slot: 1, slotStart: 4_980, slotEnd: 5_040, epochStart: 4_920, epochEnd: 5_160 },
  index: { block: 120 },
  ...over,
});

describe("dashboard page logic", () => {
  it("formats decimals, addresses, durations and chain times", () => {
    expect(formatDecimal("1234567.891234")).to.equal("1,234,567.891");
    expect(formatDecimal("5.10")).to.equal("5.1");
    expect(formatDecimal("-0012.0")).to.equal("-12");
    expect(formatDecimal("100000000000000000000000")).to.equal("100,000,000,000,000,000,000,000");
    expect(formatDecimal(null)).to.equal("—");
    expect(formatDecimal("abc")).to.equal("abc");
    expect(shortAddress("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC")).to.equal("0x3C44…93BC");
    expect(shortAddress("not an address")).to.equal("not an address");
    expect([duration(7), duration(67), duration(3_725), duration(-4)]).to.deep.equal(["7 s", "1 min 07 s", "1 h 2 min", "0 s"]);
    expect(chainClock(0)).to.equal("1970-01-01 00:00:00 UTC");
    expect([92_523, 1_200_000, 250_000, 5_000, 0.25, -40_000, 3e12].map(compactNumber)).to.deep.equal([
      "92.5k",
      "1.2M",
      "250k",
      "5000",
      "0.25",
      "-40k",
      "3T",
    ]);
  });

  it("counts down in chain time at the chain's rate, never past the slot's end", () => {
    const s = up();
    const at0 = countdown(s, 1_000_000)!;
    expect([at0.slotLeft, at0.epochLeft, at0.slotLeftWall]).to.deep.equal([40, 160, 4]);
    const later = countdown(s, 1_002_000)!; // 2 wall s = 20 chain s at 10x
    expect([later.slotLeft, later.epochLeft]).to.deep.equal([20, 140]);
    expect(countdown(s, 1_060_000)!.slotLeft, "clamped at the slot's end").to.equal(0);
    expect(countdown(s, 1_060_000)!.epochLeft).to.equal(120);
    // with the RPC down the clock stops where the chain was last seen
    expect(countdown(up({ rpc: { url: "x", state: "down" } }), 1_060_000)!.slotLeft).to.equal(40);
    expect(countdown(up({ now: undefined }), 0)).to.equal(undefined);
  });

  it("says why the data is stale, or that the server is lost, or that there is no deployment", () => {
    expect(bannerFor(up(), true, 1_000_500).state).to.equal("ok");
    const down = bannerFor(
      up({ rpc: { url: "http://127.0.0.1:8545", state: "down", error: "ECONNREFUSED", downSince: 1_001_000 } }),
      true,
      1_031_000,
    );
    expect(down.state).to.equal("stale");
    expect(down.message)
      .to.include("http://127.0.0.1:8545")
      .and.include("ECONNREFUSED")
      .and.include("block 120")
      .and.include("31 s ago")
      .and.include("Reconnecting");
    const lost = bannerFor(up(), false, 1_005_000);
    expect([lost.state, lost.message.includes("block 120")]).to.deep.equal(["lost", true]);
    const missing = bannerFor(up({ deployment: { state: "missing", message: "No deployment is recorded for chain 31337" } }), true, 0);
    expect(missing).to.deep.equal({ state: "no-deployment", message: "No deployment is recorded for chain 31337" });
    expect(bannerFor(up({ index: { block: 20 } }), true, 0).state).to.equal("indexing");
    expect(bannerFor(up({ error: "range too large" }), true, 0).state).to.equal("error");
    expect(bannerFor(undefined, true, 0).state).to.equal("lost");
  });

  it("pages: rows shown, neighbours and the last page", () => {
    expect(pager(10_000, 0, 25)).to.deep.equal({ from: 1, to: 25, page: 1, pages: 400, prev: undefined, next: 25, last: 9_975 });
    expect(pager(10_000, 9_975, 25)).to.deep.include({ from: 9_976, to: 10_000, page: 400, next: undefined, prev: 9_950 });
    expect(pager(0, 0, 25)).to.deep.include({ from: 0, to: 0, page: 1, pages: 1 });
    expect(pager(30, 10, 25)).to.deep.include({ from: 11, to: 30, prev: 0, next: undefined });
  });

  it("reads and writes routes", () => {
    const routes: Route[] = [
      { view: "overview" },
      { view: "election", epoch: 4 },
      { view: "slots", epochs: 10 },
      { view: "nodes", offset: 50, sort: "score", order: "desc", filter: "wind" },
      { view: "node", address: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" },
      { view: "energy" },
      { view: "offences" },
      { view: "rewards" },
    ];
    for (const r of routes) expect(parseRoute(routeHash(r)), routeHash(r)).to.deep.include(r);
    expect(parseRoute("#/nope/x")).to.deep.equal({ view: "unknown", path: "nope/x" });
    expect(parseRoute("#/nodes?offset=-3&order=sideways")).to.deep.include({ offset: undefined, order: undefined });
    expect(parseRoute("")).to.deep.equal({ view: "overview" });
    expect(downloadUrl("/api/delegates", { epoch: 3, filter: "" }, "csv")).to.equal("/api/delegates?epoch=3&format=csv");
  });
});
