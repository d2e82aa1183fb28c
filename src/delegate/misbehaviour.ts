// Cheats, for demonstrations and tests only: slot behaviours a delegate client can be given in
// place of honest production (src/delegate/production.ts), so that the demo, `npm run network`
// and the tests can show the chain punishing them. Everything else the client does (attesting,
// taking trades, unjailing) stays honest.
import type { SlotBehaviour } from "./production";

/** Never produces its slots: the keeper reports each missed slot, and it is slashed and jailed. */
export const WITHHOLD: SlotBehaviour = {
  name: "withhold",
  async produce(s) {
    s.log.warn({ event: "withholding", epoch: Number(s.epoch), slot: Number(s.slot) });
    return true;
  },
};

/**
 * Signs two different blocks for each of its slots, the second past its own slashing protection
 * (as a cheat would), asks every serving delegate to attest both and commits neither: the first
 * attester to see both reports the equivocation.
 */
export const EQUIVOCATE: SlotBehaviour = {
  name: "equivocate",
  async produce(s) {
    const block = await s.signedBlock();
    // a second block for the same slot, with the first's trades dropped: asked of everyone too
    const forged = { ...block.header, energyTotal: block.header.energyTotal + 1n };
    await s.gather(block);
    await s.gather({ header: forged, signature: await s.signUnprotected(forged), trades: [] });
    s.log.warn({ event: "equivocated", epoch: Number(s.epoch), slot: Number(s.slot) });
    return true;
  },
};

/** The cheats by the name `--misbehave` takes. */
export const MISBEHAVIOURS = { withhold: WITHHOLD, equivocate: EQUIVOCATE } as const;
export type MisbehaviourName = keyof typeof MISBEHAVIOURS;
export const MISBEHAVIOUR_NAMES = Object.keys(MISBEHAVIOURS) as MisbehaviourName[];
