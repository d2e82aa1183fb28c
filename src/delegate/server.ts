// The delegate client's HTTP server (fastify): POST /trades, POST /attest and GET /health at the
// endpoint the node registered. It only routes and answers: every failure becomes a status and
// `{ error }` naming the field at fault, the decisions are elsewhere (src/delegate/checks.ts).
import Fastify, { type FastifyInstance } from "fastify";
import { z } from "zod";
import { describeError } from "../chain/tx";
import { REFUSAL_STATUS, Refused, refusal, refusalText, type Refusal } from "./checks";
import { PartyShareExceeded, PoolFull } from "./pool";
import { DoubleSignRefused, EpochPruned } from "./signer";
import type { AddressInfo } from "node:net";

export interface DelegateApi {
  health(): object;
  trade(body: unknown): Promise<object>;
  attest(body: unknown): Promise<object>;
  /** Called with every refused request (for the client's counters). */
  refused(r: Refusal): void;
}

export interface ServerOptions {
  host: string;
  port: number;
  /** Largest request body (default 4 MB: an /attest of the most trades a block may hold). */
  bodyLimit?: number;
}

/** The refusal a failed request is answered with; null for a failure that is not the request's (answered 500). */
export function refusalOf(e: unknown): Refusal | null {
  if (e instanceof Refused) return e.refusal;
  if (e instanceof z.ZodError) return refusal("malformed", e.issues[0].message, e.issues[0].path.join("."));
  // this node's own slashing protection and the pool's bounds, in their own words
  if (e instanceof DoubleSignRefused) return refusal("already-signed", e.message);
  if (e instanceof EpochPruned) return refusal("epoch-pruned", e.message);
  if (e instanceof PartyShareExceeded) return refusal("party-share-exceeded", e.message);
  if (e instanceof PoolFull) return refusal("pool-full", e.message);
  return null;
}

/** The HTTP status and body of a failed request. */
export function failureAnswer(e: unknown): { status: number; error: string } {
  const r = refusalOf(e);
  return r ? { status: REFUSAL_STATUS[r.reason], error: refusalText(r) } : { status: 500, error: describeError(e) };
}

/** Listen at `host:port`; resolves with the URL and a close function. */
export async function startServer(api: DelegateApi, options: ServerOptions): Promise<{ url: string; close(): Promise<void> }> {
  // fastify waits forever by default: a peer that opens connections and never finishes a
  // request would hold them (and their memory) until the process runs out
  const app: FastifyInstance = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit ?? 4 * 1024 * 1024,
    connectionTimeout: 10_000,
    requestTimeout: 10_000,
    keepAliveTimeout: 5_000,
  });
  const answer = async (reply: { code(n: number): unknown }, run: () => Promise<object>) => {
    try {
      return await run();
    } catch (e) {
      const r = refusalOf(e);
      if (r) api.refused(r);
      const { status, error } = failureAnswer(e);
      reply.code(status);
      return { error };
    }
  };
  app.get("/health", async () => api.health());
  app.post("/trades", async (req, reply) => answer(reply, () => api.trade(req.body)));
  app.post("/attest", async (req, reply) => answer(reply, () => api.attest(req.body)));
  await app.listen({ host: options.host, port: options.port });
  // the port bound, which the OS chose when asked for port 0
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://${options.host}:${port}`, close: () => app.close() };
}
