// What happened in an epoch, read from the chain alone: who elected its delegates, which slots were
// committed and by whom, who was punished for what. Used by `npm run network` and its test.
import { ZeroAddress, ZeroHash } from "ethers";
import type { Contracts } from "../deployment/addressBook";
import { Clock } from "../chain/clock";

const OFFENCES = ["missed slot", "equivocation", "invalid block"];

export interface EpochReport {
  epoch: bigint;
  finalized: boolean;
  submitter: string;
  delegates: string[];
  slots: { owner: string; committed: boolean }[];
  punished: { offender: string; offence: string; reporter: string; slashed: bigint }[];
}

export async function epochReport(c: Contracts, epoch: bigint): Promise<EpochReport> {
  const e = c.election;
  const [el, submitter, [list, , k], clock] = await Promise.all([
    e.elections(epoch),
    e.submitterOf(epoch),
    e.delegatesOf(epoch),
    Clock.read(e),
  ]);
  const [slotsPerEpoch, start, duration] = [clock.slotsPerEpoch, clock.epochStart(epoch), clock.epochDuration];
  const slots = await Promise.all(
    Array.from({ length: Number(slotsPerEpoch) }, async (_, s) => {
      const [owner, committed] = await Promise.all([e.slotOwner(epoch, s), c.ledger.committed(epoch, s)]);
      return { owner, committed: committed !== ZeroHash };
    }),
  );
  const punished = [];
  for (const log of await c.ledger.queryFilter(c.ledger.filters.OffencePunished())) {
    const block = await log.getBlock();
    if (BigInt(block.timestamp) < start || BigInt(block.timestamp) >= start + duration) continue;
    const { offender, offence, reporter, slashed } = log.args;
    punished.push({ offender, offence: OFFENCES[Number(offence)], reporter, slashed });
  }
  return { epoch, finalized: el.finalized, submitter, delegates: [...list].slice(0, Number(k)), slots, punished };
}

/** One paragraph on `epoch`, naming producers by their number in `producers`. */
export async function summarizeEpoch(c: Contracts, epoch: bigint, producers: string[]): Promise<string> {
  const r = await epochReport(c, epoch);
  const name = (a: string) => {
    const i = producers.findIndex((p) => p.toLowerCase() === a.toLowerCase());
    return i >= 0 ? `producer ${i + 1}` : a === ZeroAddress ? "nobody" : a.slice(0, 10);
  };
  const lines = [
    `epoch ${epoch}: ${r.finalized ? `delegates ${r.delegates.map(name).join(", ")} (list submitted by ${r.submitter.slice(0, 10)})` : r.delegates.length > 0 ? `previous set carried over: ${r.delegates.map(name).join(", ")}` : "no delegates yet"}`,
  ];
  if (r.delegates.length > 0)
    lines.push(`  slots: ${r.slots.map((s, i) => `${i}:${name(s.owner)}${s.committed ? " ✓" : " ✗"}`).join("  ")}`);
  for (const p of r.punished)
    lines.push(
      `  punished ${name(p.offender)} for ${p.offence}: slashed ${Number(p.slashed) / 1e18} tokens (reported by ${p.reporter.slice(0, 10)})`,
    );
  return lines.join("\n");
}
