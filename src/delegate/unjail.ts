// A jailed delegate comes back by itself: once its jail is over and its deposit is still at least
// the registry's minimum, the client calls NodeRegistry.unjail(). The decision is the contract's
// own rule as a pure function, judged at the chain's latest time (the block that will hold the
// transaction is no earlier), and the transaction is still tried as a call before it is sent, so
// the client never sends an unjail that would revert. Each state is logged once, when it changes.
import { WouldRevert, sendChecked } from "../chain/tx";
import type { DelegateContext } from "./context";

export type UnjailDecision =
  | { due: true }
  | { due: false; reason: "not-jailed" }
  | { due: false; reason: "jail-not-over"; jailedUntil: bigint }
  | { due: false; reason: "deposit-below-minimum"; deposit: bigint; minimum: bigint };

/**
 * Whether `unjail()` succeeds at chain time `now`, by NodeRegistry.unjail's checks in its order:
 * jailed (NotJailed), `now ≥ jailedUntil` (JailNotOver), deposit ≥ minDeposit (DepositBelowMinimum).
 */
export function unjailDecision(s: { jailed: boolean; jailedUntil: bigint; now: bigint; deposit: bigint; minimum: bigint }): UnjailDecision {
  if (!s.jailed) return { due: false, reason: "not-jailed" };
  if (s.now < s.jailedUntil) return { due: false, reason: "jail-not-over", jailedUntil: s.jailedUntil };
  if (s.deposit < s.minimum) return { due: false, reason: "deposit-below-minimum", deposit: s.deposit, minimum: s.minimum };
  return { due: true };
}

export class Unjailer {
  constructor(
    private readonly x: DelegateContext,
    /** True when a state differs from the last reported one (the service loop's `changed`). */
    private readonly changed: (key: string, state: string) => boolean,
  ) {}

  /** At chain time `now`: unjail if it is due; otherwise say once why not. */
  async tick(now: bigint): Promise<void> {
    const { c, me, log } = this.x;
    const record = await c.registry.creditRecordAt(me, now);
    // the usual case costs one read: the deposit matters only to a jailed node
    if (!record.jailed) {
      this.changed("jail", "free");
      return;
    }
    const [deposit, minimum] = await Promise.all([c.vault.bonded(me), c.registry.minDeposit()]);
    const d = unjailDecision({ jailed: record.jailed, jailedUntil: record.jailedUntil, now, deposit, minimum });
    if (!d.due) {
      if (d.reason === "jail-not-over" && this.changed("jail", `until ${d.jailedUntil}`))
        log.warn({ event: "jailed", until: Number(d.jailedUntil) });
      if (d.reason === "deposit-below-minimum" && this.changed("jail", `deposit ${d.deposit} < ${d.minimum}`)) {
        log.warn({
          event: "unjail-blocked",
          reason: "deposit below the minimum",
          deposit: d.deposit.toString(),
          minimum: d.minimum.toString(),
        });
      }
      return;
    }
    try {
      const r = await sendChecked("unjail", c.registry.connect(this.x.signer).unjail);
      this.x.stats.unjailed++;
      this.changed("jail", "free");
      log.info({ event: "unjailed", tx: r.hash, gas: Number(r.gasUsed) });
    } catch (e) {
      // the chain moved between the reads and the call (a slash, a new offence): nothing was sent
      if (!(e instanceof WouldRevert)) throw e;
      if (this.changed("jail", `refused ${e.reason}`)) log.warn({ event: "unjail-refused", reason: e.reason });
    }
  }
}
