// The prosumer's side of trading: sign an order as seller and buyer, and send it to the delegate
// client of every delegate serving the current epoch (at the endpoints they registered).
import type { Signer, TypedDataDomain } from "ethers";
import type { Contracts } from "../deployment/addressBook";
import { signTrade, type TradeOrder } from "../ledger/signing";
import { toJson } from "../util/json";

export interface DelegateAnswer {
  delegate: string;
  url: string;
  /** HTTP status; 0 when the endpoint did not answer. */
  status: number;
  answer: unknown;
}

/** Both signatures on `order` under the ledger's `domain`. */
export async function signedTrade(domain: TypedDataDomain, order: TradeOrder, seller: Signer, buyer: Signer) {
  return { order, sellerSignature: await signTrade(seller, domain, order), buyerSignature: await signTrade(buyer, domain, order) };
}

/** POST the signed trade to every current delegate's `/trades`; what each answered. */
export async function sendToDelegates(
  c: Pick<Contracts, "election" | "registry">,
  trade: Awaited<ReturnType<typeof signedTrade>>,
  timeoutMs = 5_000,
): Promise<DelegateAnswer[]> {
  const body = toJson(trade);
  const [list] = await c.election.delegatesOf(await c.election.currentEpoch());
  return Promise.all(
    [...new Set(list)].map(async (delegate) => {
      const url = await c.registry.endpointOf(delegate);
      try {
        const res = await fetch(`${url}/trades`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        return { delegate, url, status: res.status, answer: await res.json() };
      } catch (e) {
        return { delegate, url, status: 0, answer: { error: String(e) } };
      }
    }),
  );
}
