// The floor of each audited operation: gas no implementation can go below on the EVM (cancun):
// 21,000 for the transaction, its calldata (EIP-2028: 16 per non-zero byte, 4 per zero byte), and
// the storage the operation must write whatever its design: a new slot costs 22,100 (20,000 +
// 2,100 cold access), an updated one 5,000. Reads, events, signature checks and hashing are left
// out, so the floor is a lower bound, not a target.
import { getBytes } from "ethers";

const NEW = 22_100;
const UPDATE = 5_000;
/** CREATE of a data contract (SSTORE2) holding `bytes`: 32,000 + 200 per byte of code. */
const code = (bytes: number) => 32_000 + 200 * bytes;

/** Storage an operation must write, given the length L of the list (or the attestations) it carries. */
export const FLOORS = {
  register: { why: "the node record", storage: () => NEW },
  admit: { why: "the node's status", storage: () => UPDATE },
  deposit: { why: "the deposit, the payer's and the vault's token balances", storage: () => NEW + 2 * UPDATE },
  reportPlan: { why: "the plan, the fee's two token balances", storage: () => NEW + 2 * UPDATE },
  reportMeterReading: { why: "the reading", storage: () => NEW },
  vote: { why: "the voter's allocation and the candidate's tally", storage: () => 2 * NEW },
  openElection: { why: "the block the seed is committed to", storage: () => NEW },
  fixSeed: { why: "the seed", storage: () => NEW },
  submit: {
    why: "the submitter and the list (20 bytes each, as contract code: cheaper than slots) and its pointer",
    storage: (l: number) => NEW + code(20 * (l + 1)),
  },
  submitShortList: {
    why: "as submit, for a list of 11 (all that N = 10 allows): the same list at every N",
    storage: (l: number) => NEW + code(20 * (l + 1)),
  },
  challengeIneligible: {
    why: "the submitter and the repaired list as code, its pointer, the submitter's bond, the challenger's reward",
    storage: (l: number) => code(20 * (l + 1)) + 2 * UPDATE + NEW,
  },
  challengeDuplicate: { why: "as challengeIneligible", storage: (l: number) => code(20 * (l + 1)) + 2 * UPDATE + NEW },
  challengeOrder: {
    why: "as challengeIneligible, the list keeps its length",
    storage: (l: number) => code(20 * (l + 1)) + 2 * UPDATE + NEW,
  },
  challengeExcluded: {
    why: "as challengeIneligible, the list keeps at least its length",
    storage: (l: number) => code(20 * (l + 1)) + 2 * UPDATE + NEW,
  },
  finalize: { why: "the final mark, the keeper's reward (the list is already stored)", storage: () => UPDATE + NEW },
  referenceElection: { why: "the election record, the caller and the list as code", storage: (l: number) => NEW + code(20 * (l + 1)) },
  commit: {
    why: "the header and the reward of the producer and each attester (L = attestations)",
    storage: (l: number) => NEW + l * NEW,
  },
  reportMissedSlot: { why: "the evidence key, the deposit, the jail, the reporter's reward", storage: () => NEW + 3 * UPDATE },
  reportEquivocation: { why: "as reportMissedSlot", storage: () => NEW + 3 * UPDATE },
  reportInvalidTrade: { why: "as reportMissedSlot", storage: () => NEW + 3 * UPDATE },
  claim: { why: "the reward, the vault's and the claimant's token balances", storage: () => 3 * UPDATE },
} satisfies Record<string, { why: string; storage: (l: number) => number }>;

export type Operation = keyof typeof FLOORS;

/** Calldata gas of `data` (EIP-2028). */
export function calldataGas(data: string): number {
  return [...getBytes(data)].reduce((sum, b) => sum + (b === 0 ? 4 : 16), 0);
}

/** The floor of `op` sent with calldata `data`, carrying a list (or attestation count) of length `l`. */
export function floorOf(op: Operation, data: string, l: number): number {
  return 21_000 + calldataGas(data) + FLOORS[op].storage(l);
}
