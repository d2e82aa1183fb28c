// The JSON the dashboard's server sends and its page reads: the live status (also the body of every
// Server-Sent Event) and the error body. Types only, shared by both sides.
import type { Page } from "./table";

export type ModelName = "credit" | "dynamic-trust" | "classic";

export interface DashboardStatus {
  /** Grows with every change the page should show; the page refetches its view when it moves. */
  version: number;
  /** Wall-clock milliseconds at the server when this status was made. */
  serverTime: number;
  rpc: {
    url: string;
    state: "connecting" | "up" | "down";
    /** Why the last request failed, while down. */
    error?: string;
    /** Wall-clock milliseconds since which it has been failing. */
    downSince?: number;
  };
  deployment: {
    state: "unknown" | "ok" | "missing" | "no-code" | "invalid";
    /** What is wrong and what to do, when not ok. */
    message?: string;
    chainId?: string;
    network?: string;
    deployedAt?: string;
    file?: string;
    contracts?: Record<string, string>;
  };
  /** The latest block read, and when (wall ms); `rate` is chain seconds per wall second lately. */
  chain?: { chainId: string; block: number; time: number; seenAt: number; rate: number };
  system?: {
    model: ModelName;
    rule: "top-k" | "weighted";
    delegates: number;
    standbys: number;
    genesis: number;
    epochDuration: number;
    slotsPerEpoch: number;
    slotDuration: number;
    challengePeriod: number;
    nodes: number;
  };
  /** Where the chain's clock is (chain seconds). */
  now?: { epoch: number; slot: number; slotStart: number; slotEnd: number; epochStart: number; epochEnd: number };
  /** The event index has read the chain up to this block (behind `chain.block` while catching up). */
  index?: { block: number };
  /** The last poll's failure other than the RPC being down (e.g. an endpoint refusing a log range). */
  error?: string;
}

export interface ErrorBody {
  error: { field?: string; value?: string; message: string };
}

/** A table page as the API sends it, with what the page needs to label and download it. */
export interface TablePage extends Page {
  /** Say what the rows are, when not obvious (e.g. "at the snapshot of epoch 5's election"). */
  note?: string;
}
