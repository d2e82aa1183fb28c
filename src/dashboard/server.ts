// The dashboard's HTTP server (fastify): the bundled page, a JSON API of every view, each table also
// as a CSV or JSON download (`?format=csv|json`, the whole table), and the live status as
// Server-Sent Events (`/api/events`). It reads only through the data layer (the chain and the
// services' /health). Every bad parameter is a 400 naming the field and its value; a view the chain
// cannot give now is a 503 saying why; no stack trace ever reaches the page.
import path from "node:path";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import fastifyStatic from "@fastify/static";
import { BadRequest, DashboardData, NotFound, Unavailable } from "./data";
import { QueryError, parsePageQuery, pageOf, toCsv, toJsonExport, wholeParam, type Table } from "./table";
import { NODE_COLUMNS, nodeRow } from "./shape";
import type { DashboardStatus, ErrorBody, TablePage } from "./api";
import { describeError, isTransient } from "../chain/tx";

export interface ServerOptions {
  host: string;
  port: number;
  /** Folder of the bundled page (index.html, app.js, app.css). */
  assetsDir: string;
  /** Most Server-Sent Event streams open at once. */
  maxStreams: number;
}

export const DEFAULT_SERVER_OPTIONS: Omit<ServerOptions, "assetsDir"> = { host: "127.0.0.1", port: 8090, maxStreams: 64 };

/** Epochs in the slot timeline, at most. */
export const MAX_SLOT_EPOCHS = 50;

type Query = Record<string, unknown>;

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // uPlot sizes its canvases and legend with inline styles
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

function epochParam(q: Query, fallback: number | undefined): bigint {
  return BigInt(wholeParam("epoch", q.epoch, 0, 2 ** 48, fallback));
}

/** A table as the request asks: one page (JSON), or the whole table as a download. */
function sendTable(request: FastifyRequest, reply: FastifyReply, data: DashboardData, table: Table, note?: string) {
  const q = request.query as Query;
  const format = q.format;
  if (format === "csv" || format === "json") {
    const stem = table.name.replace(/[^A-Za-z0-9._-]/g, "_");
    reply.header("content-disposition", `attachment; filename="${stem}.${format}"`);
    if (format === "csv") return reply.type("text/csv; charset=utf-8").send(toCsv(table));
    const s: DashboardStatus = data.status;
    return reply
      .type("application/json; charset=utf-8")
      .send(toJsonExport(table, { chainId: s.chain?.chainId ?? "", block: s.chain?.block ?? 0, generatedAt: new Date().toISOString() }));
  }
  if (format !== undefined) throw new QueryError("format", String(format), `"${String(format).slice(0, 20)}" is not csv or json`);
  const page: TablePage = { ...pageOf(table, parsePageQuery(q, table.columns)), note };
  return page;
}

export async function createDashboardServer(data: DashboardData, o: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, connectionTimeout: 30_000, keepAliveTimeout: 5_000, requestTimeout: 120_000, bodyLimit: 1024 });
  app.addHook("onSend", async (_request, reply, payload) => {
    reply.header("content-security-policy", CSP);
    reply.header("x-content-type-options", "nosniff");
    reply.header("referrer-policy", "no-referrer");
    if (!reply.hasHeader("cache-control")) reply.header("cache-control", "no-store");
    return payload;
  });
  app.setErrorHandler((error, _request, reply) => {
    const body = (message: string, field?: string, value?: string): ErrorBody => ({ error: { message, field, value } });
    if (error instanceof NotFound) return reply.code(404).send(body(error.message, error.field, String(error.value)));
    if (error instanceof QueryError || error instanceof BadRequest)
      return reply.code(400).send(body(error.message, error.field, String(error.value)));
    if (error instanceof Unavailable) return reply.code(503).send(body(error.message));
    if (isTransient(error))
      return reply.code(503).send(body(`the chain's RPC at ${data.options.rpcUrl} does not answer: ${describeError(error).slice(0, 200)}`));
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) return reply.code(status).send(body((error as Error).message));
    return reply.code(500).send(body(`the dashboard could not build this view: ${describeError(error).slice(0, 300)}`));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: { message: `no such page or API: ${request.url.slice(0, 100)}` } } satisfies ErrorBody),
  );

  await app.register(fastifyStatic, { root: path.resolve(o.assetsDir), prefix: "/assets/", index: false, cacheControl: false });
  app.get("/", (_request, reply) => reply.sendFile("index.html"));

  app.get("/api/status", async () => data.status);

  let streams = 0;
  app.get("/api/events", (request, reply) => {
    if (streams >= o.maxStreams)
      return reply.code(503).send({ error: { message: `too many live pages open (${o.maxStreams})` } } satisfies ErrorBody);
    streams += 1;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    const send = (s: DashboardStatus) => res.write(`event: status\nid: ${s.version}\ndata: ${JSON.stringify(s)}\n\n`);
    res.write("retry: 2000\n\n");
    send(data.status);
    const unsubscribe = data.subscribe(send);
    // a comment now and then keeps proxies from closing a quiet stream, and shows a dead one
    const ping = setInterval(() => res.write(`: ping ${Date.now()}\n\n`), 10_000);
    let open = true;
    const close = () => {
      if (!open) return;
      open = false;
      clearInterval(ping);
      unsubscribe();
      streams -= 1;
    };
    request.raw.on("close", close);
    res.on("error", close);
  });

  app.get("/api/overview", async () => {
    const { epoch } = await data.ready();
    const [current, next, election, slots, offences, pool] = await Promise.all([
      epoch >= 1n ? data.members(epoch) : Promise.resolve(undefined),
      data.members(epoch + 1n),
      data.election(epoch + 1n),
      data.slots(1),
      data.offences(),
      data.pool(),
    ]);
    return {
      status: data.status,
      current,
      next,
      election: { ...election, table: undefined },
      slots: pageOf(slots, { offset: 0, limit: 200, order: "asc", filter: "" }),
      offences: pageOf(offences, { offset: 0, limit: 5, order: "asc", filter: "" }),
      rewards: pool,
    };
  });

  app.get("/api/delegates", async (request, reply) => {
    const { epoch } = await data.ready();
    const view = await data.members(epochParam(request.query as Query, Number(epoch)));
    const page = sendTable(request, reply, data, view.table);
    return page === reply ? reply : { ...view, table: page };
  });

  app.get("/api/election", async (request, reply) => {
    const { epoch } = await data.ready();
    const view = await data.election(epochParam(request.query as Query, Number(epoch + 1n)));
    const page = sendTable(request, reply, data, view.table);
    return page === reply ? reply : { ...view, table: page };
  });

  app.get("/api/slots", async (request, reply) => {
    const epochs = wholeParam("epochs", (request.query as Query).epochs, 1, MAX_SLOT_EPOCHS, 6);
    return sendTable(request, reply, data, await data.slots(epochs));
  });

  app.get("/api/offences", async (request, reply) => sendTable(request, reply, data, await data.offences()));

  app.get("/api/rewards", async (request, reply) => {
    const view = await data.rewards();
    const page = sendTable(request, reply, data, view.table);
    return page === reply ? reply : { ...view, table: page };
  });

  app.get("/api/energy", async (request, reply) => sendTable(request, reply, data, await data.energy()));

  app.get("/api/nodes", async (request, reply) => {
    const q = request.query as Query;
    const format = q.format;
    const paging = format === undefined ? parsePageQuery(q, NODE_COLUMNS) : undefined;
    const index = data.nodeIndex();
    const progress = { ready: index.ready, done: index.done, total: index.total, failed: index.failed };
    if (index.ready && index.entries) {
      const table: Table = { name: `nodes-epoch-${index.epoch}`, columns: NODE_COLUMNS, rows: index.entries.map(nodeRow) };
      const page = sendTable(request, reply, data, table, `scores for the election of epoch ${index.epoch}, at its snapshot`);
      return page === reply ? reply : { ...page, index: progress };
    }
    if (format !== undefined) {
      if (format !== "csv" && format !== "json")
        throw new QueryError("format", String(format), `"${String(format).slice(0, 20)}" is not csv or json`);
      return reply
        .code(503)
        .header("retry-after", "10")
        .send({
          error: {
            message: `the node list is still being read (${index.done} of ${index.total || "?"} nodes); the download is ready when it is`,
          },
        } satisfies ErrorBody);
    }
    // the whole list is not read yet: a page straight from the chain, in admission order
    const direct = await data.nodesPage(paging!.offset, paging!.limit);
    const sortable = paging!.sort === undefined && paging!.filter === "" && paging!.order === "asc";
    const page: TablePage = {
      name: `nodes-epoch-${direct.epoch}`,
      columns: NODE_COLUMNS,
      total: direct.total,
      offset: paging!.offset,
      limit: paging!.limit,
      rows: direct.rows.map(nodeRow),
      note: sortable
        ? `scores for the election of epoch ${direct.epoch}, at its snapshot`
        : `sorting and filtering wait for the whole list (${index.done} of ${index.total || "?"} nodes read); shown in admission order meanwhile`,
    };
    return { ...page, index: progress };
  });

  app.get("/api/nodes/:address", async (request) => data.node((request.params as { address: string }).address));

  app.get("/api/nodes/:address/history", async (request, reply) =>
    sendTable(request, reply, data, (await data.node((request.params as { address: string }).address)).history),
  );
  app.get("/api/nodes/:address/offences", async (request, reply) =>
    sendTable(request, reply, data, (await data.node((request.params as { address: string }).address)).offences),
  );

  await app.listen({ host: o.host, port: o.port });
  return app;
}
