// Delegate-client test helpers: clients for the ledger fixture's delegates and standbys at their
// registered endpoints (each with its own signing record in a fresh folder), HTTP posts, signed
// trades and signed headers.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { Signature, type Signer } from "ethers";
import type { LedgerFixture } from "../ledger/helpers";
import { DelegateClient, type DelegateOptions } from "../../src/delegate/client";
import { MISBEHAVIOURS, type MisbehaviourName } from "../../src/delegate/misbehaviour";
import { toJson } from "../../src/util/json";
import { signHeader, signTrade, type BlockHeader, type SignedTrade, type TradeOrder } from "../../src/ledger/signing";
import { WAD } from "../../src/scoring/params";
import type { Contracts } from "../../src/deployment/addressBook";

export const tempDir = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `energy-dpos-${name}-`));

export interface Clients {
  byAddress: Map<string, DelegateClient>;
  portOf: (a: string) => number;
  all: DelegateClient[];
  stop(): Promise<void>;
}

/**
 * A client for each member of the fixture's list (3 delegates, 2 standbys) except `skip`, listening
 * at `basePort + index` (each registered as the member's endpoint).
 */
export async function startClients(
  f: LedgerFixture,
  basePort: number,
  {
    cheat,
    skip = [],
    options = {},
    contracts,
  }: {
    cheat?: { node: string; how: MisbehaviourName };
    skip?: string[];
    options?: Partial<DelegateOptions>;
    contracts?: (s: Signer) => Contracts;
  } = {},
): Promise<Clients> {
  const byAddress = new Map<string, DelegateClient>();
  const portOf = (a: string) => basePort + f.members.indexOf(a);
  for (const m of f.members) {
    await f.registry.connect(f.signerOf(m)).setEndpoint(`http://127.0.0.1:${portOf(m)}`);
    if (skip.includes(m)) continue;
    const signer = f.signerOf(m);
    const c = new DelegateClient(contracts ? contracts(signer) : f.system, signer, pino({ level: "silent" }), {
      host: "127.0.0.1",
      port: portOf(m),
      pollMs: 0,
      maxTrades: 10,
      dataDir: tempDir("signer"),
      misbehave: cheat?.node === m ? MISBEHAVIOURS[cheat.how] : undefined,
      ...options,
    });
    await c.start();
    byAddress.set(m, c);
  }
  const all = [...byAddress.values()];
  return { byAddress, portOf, all, stop: async () => void (await Promise.all(all.map((c) => c.stop()))) };
}

export async function post(port: number, route: string, body: unknown) {
  const res = await fetch(`http://127.0.0.1:${port}${route}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : toJson(body),
  });
  return { status: res.status, json: (await res.json()) as { error?: string; accepted?: boolean; signature?: string; digest?: string } };
}

export async function trade(f: LedgerFixture, seller: Signer, buyer: Signer, nonce: bigint, energy = 1_000n): Promise<SignedTrade> {
  const order: TradeOrder = { seller: await seller.getAddress(), buyer: await buyer.getAddress(), energy, price: WAD, nonce };
  return { order, sellerSignature: await signTrade(seller, f.domain, order), buyerSignature: await signTrade(buyer, f.domain, order) };
}

/** The body of an /attest request for `header` signed by `producer`. */
export async function attestBody(f: LedgerFixture, producer: Signer, header: BlockHeader, trades: SignedTrade[] = []) {
  return { header, producerSignature: await signHeader(producer, f.domain, header), trades };
}

/** `sig` with v rewritten (27/28 → `v`): the same key's signature in another encoding. */
export function withV(sig: string, v: number): string {
  return sig.slice(0, 130) + v.toString(16).padStart(2, "0");
}

/** `sig`'s malleable twin: s → n − s and the other v (what ethers still recovers, the ledger refuses). */
export function highS(sig: string): string {
  const s = Signature.from(sig);
  const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
  const twinS = "0x" + (n - BigInt(s.s)).toString(16).padStart(64, "0");
  return s.r + twinS.slice(2) + (s.v === 27 ? "1c" : "1b");
}

/** The fixture's contracts, every one connected to `s` (e.g. a signer over a recording or slow provider). */
export function connectAll(f: LedgerFixture, s: Signer): Contracts {
  return {
    token: f.token.connect(s),
    vault: f.vault.connect(s),
    registry: f.registry.connect(s),
    meters: f.meters.connect(s),
    election: f.election.connect(s),
    ledger: f.ledger.connect(s),
    lens: f.lens.connect(s),
  };
}
