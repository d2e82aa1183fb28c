// The dashboard asks delegate clients for /health at endpoints the nodes registered themselves: it
// must take only http(s), give up quickly, refuse large answers and pass on known fields only.
import { expect } from "chai";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fetchHealth } from "../../src/dashboard/data";

describe("dashboard: a delegate client's /health", () => {
  let server: http.Server;
  let base = "";
  /** What the server answers next. */
  let current = "";
  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url !== "/health") return res.writeHead(404).end();
      const kind = current;
      if (kind === "ok")
        return res.end(JSON.stringify({ pending: 3, signed: 7, misbehave: "withhold", secret: "<script>", stats: { x: 1 } }));
      if (kind === "huge") return res.end(JSON.stringify({ pending: 1, pad: "x".repeat(200_000) }));
      if (kind === "text") return res.end("hello");
      if (kind === "slow") return void setTimeout(() => res.end("{}"), 2_000);
      res.writeHead(500).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it("passes on the known fields of an answer", async () => {
    current = "ok";
    expect(await fetchHealth(base, 500)).to.deep.equal({ state: "online", endpoint: base, pending: 3, signed: 7, misbehave: "withhold" });
  });

  it("is offline for errors, non-JSON, large answers, slow answers and other schemes", async () => {
    const cases: [string, string, string][] = [
      ["", base, "HTTP 500"],
      ["text", base, "not JSON"],
      ["huge", base, "not JSON"],
      ["slow", base, "no answer"],
      ["ok", "ftp://127.0.0.1/", "ftp: is not http(s)"],
      ["ok", "not a url", "not a URL"],
      ["ok", "http://127.0.0.1:1", "unreachable"],
    ];
    for (const [kind, endpoint, error] of cases) {
      current = kind;
      expect(await fetchHealth(endpoint, 200), `${kind} ${endpoint}`).to.deep.include({ state: "offline", error });
    }
  });
});
