// JSON-RPC over HTTP onto a test's in-process Hardhat network, so that a child process (a delegate
// client, a Hardhat task) acts on the same chain the test controls (its clock, its snapshots).
import http from "node:http";
import { network } from "hardhat";

/** JSON-RPC over HTTP onto the test's in-process network, so a child process can use the same chain. */
export async function rpcBridge(port: number): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", async () => {
      const { id, method, params } = JSON.parse(body) as { id: number; method: string; params: unknown[] };
      res.setHeader("content-type", "application/json");
      try {
        res.end(JSON.stringify({ jsonrpc: "2.0", id, result: await network.provider.request({ method, params }) }));
      } catch (e) {
        const err = e as { code?: number; message?: string; data?: unknown };
        res.end(
          JSON.stringify({ jsonrpc: "2.0", id, error: { code: err.code ?? -32603, message: err.message ?? String(e), data: err.data } }),
        );
      }
    });
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${port}` };
}
