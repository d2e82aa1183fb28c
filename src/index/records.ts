// The bit layouts of the registry's packed records (contracts/registry/NodeRecord.sol), read off
// the chain: the values of `CreditRecordSet` and `TrustRecordSet` logs, unpacked as
// `creditRecordAt` and `trustRecordAt` return them.
import type { TrustRecord } from "../scoring/scoreInputs";

const bits = (x: bigint, from: bigint, width: bigint): bigint => (x >> from) & ((1n << width) - 1n);

/** A credit record with its raw clean flag and gain stage (the lens evaluates them at a snapshot). */
export interface RawCreditRecord {
  quality: bigint;
  offencePenalty: bigint;
  clean: boolean;
  admitted: boolean;
  jailed: boolean;
  jailedUntil: bigint;
  gainStage: bigint;
}

/** Quality D [0,64) | offence penalty [64,128) | clean 128 | admitted 129 | jailed 130 | jailedUntil [131,179) | gain stage [179,208). */
export function unpackCredit(r: bigint): RawCreditRecord {
  return {
    quality: bits(r, 0n, 64n),
    offencePenalty: bits(r, 64n, 64n),
    clean: bits(r, 128n, 1n) === 1n,
    admitted: bits(r, 129n, 1n) === 1n,
    jailed: bits(r, 130n, 1n) === 1n,
    jailedUntil: bits(r, 131n, 48n),
    gainStage: bits(r, 179n, 29n),
  };
}

/** Trust [0,72) | C_T [72,104) | C_F [104,136) | E_i [136,168) | last participation [168,208). */
export function unpackTrust(r: bigint): TrustRecord {
  return {
    trust: bits(r, 0n, 72n),
    correct: bits(r, 72n, 32n),
    offences: bits(r, 104n, 32n),
    participated: bits(r, 136n, 32n),
    lastParticipation: bits(r, 168n, 40n),
  };
}
