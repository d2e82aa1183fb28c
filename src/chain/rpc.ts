// Raw JSON-RPC over HTTP, for the few reads that move a lot of data: ethers' provider parses and
// re-wraps every answer (10,000 logs took ~600 ms through it on Anvil, ~150 ms like this). Also
// sends batches, one HTTP request for many calls, which the benchmarks' populations use.
import { EnvironmentError, StateError } from "../util/errors";

export interface RpcCall {
  method: string;
  params: unknown[];
}

interface Answer {
  id: number;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/** An error the node answered (as opposed to one of the transport). */
export class RpcAnswerError extends StateError {
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
  ) {
    super("rpc", code, `${method}: ${message}`);
  }
}

export class RawRpc {
  private id = 0;

  constructor(readonly url: string) {}

  async send(method: string, params: unknown[]): Promise<unknown> {
    const [out] = await this.post([{ method, params }]);
    return out;
  }

  /** Every call of `calls` in one HTTP request; the answers in the same order, or the first error thrown. */
  async batch(calls: RpcCall[]): Promise<unknown[]> {
    return calls.length === 0 ? [] : this.post(calls);
  }

  private async post(calls: RpcCall[]): Promise<unknown[]> {
    const first = this.id;
    const body = calls.map((c, i) => ({ jsonrpc: "2.0", id: first + i, method: c.method, params: c.params }));
    this.id += calls.length;
    let res: Response;
    try {
      res = await fetch(this.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    } catch (e) {
      throw new EnvironmentError("rpc", `${this.url}: ${(e as Error).message}`);
    }
    if (!res.ok) throw new EnvironmentError("rpc", `${this.url}: HTTP ${res.status}`);
    const answers = (await res.json()) as Answer[] | Answer;
    const list = Array.isArray(answers) ? answers : [answers];
    const byId = new Map(list.map((a) => [a.id, a]));
    return calls.map((c, i) => {
      const a = byId.get(first + i);
      if (!a) throw new EnvironmentError("rpc", `${this.url}: no answer to ${c.method}`);
      if (a.error) throw new RpcAnswerError(c.method, a.error.code, a.error.message);
      return a.result;
    });
  }
}
