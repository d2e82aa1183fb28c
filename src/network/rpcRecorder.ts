// A recording JSON-RPC proxy in front of a node: it forwards every request unchanged and notes each
// method under the caller's name, taken from the path of its URL (http://127.0.0.1:<port>/keeper).
// The network test points each service at its own path and then checks the methods it sent.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { InputError } from "../util/errors";

export class RpcRecorder {
  /** Methods sent, per caller name. */
  readonly methods = new Map<string, Set<string>>();

  private constructor(
    private readonly server: http.Server,
    private readonly target: string,
  ) {}

  /** Listen on a free port of 127.0.0.1 and forward to `target`. */
  static async start(target: string): Promise<RpcRecorder> {
    const server = http.createServer();
    const recorder = new RpcRecorder(server, target);
    server.on("request", (req, res) => void recorder.forward(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return recorder;
  }

  /** The URL a caller named `name` sends to. */
  url(name: string): string {
    if (!/^[a-z0-9-]+$/.test(name)) throw new InputError("caller name", name, `"${name}" must be lowercase letters, digits and -`);
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/${name}`;
  }

  private async forward(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const caller = (req.url ?? "/").slice(1).split(/[/?]/)[0] || "(root)";
    try {
      const parsed = JSON.parse(body) as { method?: unknown } | { method?: unknown }[];
      for (const call of Array.isArray(parsed) ? parsed : [parsed]) {
        const set = this.methods.get(caller) ?? new Set<string>();
        set.add(typeof call?.method === "string" ? call.method : "(no method)");
        this.methods.set(caller, set);
      }
    } catch {
      this.methods.set(caller, (this.methods.get(caller) ?? new Set<string>()).add("(not JSON)"));
    }
    try {
      const answer = await fetch(this.target, { method: "POST", headers: { "content-type": "application/json" }, body });
      res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
      res.end(Buffer.from(await answer.arrayBuffer()));
    } catch (e) {
      // the node is down (stopping, or killed by a test): the caller sees a gateway error, as behind any proxy
      res.writeHead(502, { "content-type": "text/plain" });
      res.end(`rpc recorder: ${(e as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
