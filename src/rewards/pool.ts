// The reward pool's sharing rule, mirrored from StakeVault (paper 1 2.2.1 rule 5): how every inflow
// is split among block producers, attesters and keepers, so off-chain code (the fund-rewards task,
// the invariant model) predicts the vault's role pools to the wei.

/** The vault's RewardRole, in its order. */
export enum RewardRole {
  Producer,
  Attester,
  Keeper,
}

export const BPS = 10_000n;

/** Basis points of every inflow per role; they add up to 10,000. */
export interface PoolShares {
  producers: bigint;
  attesters: bigint;
  keepers: bigint;
}

export class PoolSharesError extends Error {
  constructor(readonly shares: PoolShares) {
    super(
      `pool shares ${shares.producers},${shares.attesters},${shares.keepers} must be whole numbers of basis points adding up to ${BPS}`,
    );
  }
}

/** What the vault's constructor accepts (PoolSharesNotWhole otherwise): each in [0, 10,000], sum 10,000. */
export function validatePoolShares(shares: PoolShares): PoolShares {
  const parts = [shares.producers, shares.attesters, shares.keepers];
  if (parts.some((v) => v < 0n || v > BPS) || parts.reduce((a, b) => a + b, 0n) !== BPS) throw new PoolSharesError(shares);
  return shares;
}

/** StakeVault._share: attesters' and keepers' parts round down, producers take the rest. */
export function splitInflow(amount: bigint, shares: PoolShares): PoolShares {
  const attesters = (amount * shares.attesters) / BPS;
  const keepers = (amount * shares.keepers) / BPS;
  return { producers: amount - attesters - keepers, attesters, keepers };
}
