// Classic DPoS baseline (SPEC.md section 3.3): mirror of contracts/scoring/ClassicScore.sol.

/** The weight one voter adds to a candidate: votes · deposit at the snapshot (token base units). */
export function voteWeight(votes: bigint, voterDeposit: bigint): bigint {
  return votes * voterDeposit;
}
