// What a deployment fixed on chain, read back from the contracts alone: every option, every role
// grant and every link. Compares an Ignition deployment with deploySystem's (they must agree),
// checks a deployment against ./wiring.ts before its address record is written, and gives the
// record its options.
import { ZeroAddress, ZeroHash, id, type BaseContract } from "ethers";
import type { Contracts } from "./addressBook";
import type { SystemOptions } from "./deploySystem";
import { CONTRACT_NAMES, CORE_WIRING, PAIR_WIRING, type ContractKey, type RoleName } from "./wiring";
import type { ScoringParams } from "../scoring/params";
import { toScoringParams } from "../chain/snapshotReader";

/** The options a deployment has on chain, with its genesis and token. */
export type DeployedOptions = SystemOptions & { genesis: bigint; token: string };

/** Every option of `c`'s deployment, from the contracts' getters (the current values). */
export async function readSystemOptions(c: Contracts): Promise<DeployedOptions> {
  const { registry: r, election: e, ledger: l } = c;
  const [model, raw, genesis, epochDuration, token] = await Promise.all([
    r.scoringModel(),
    r.scoringParams(),
    r.genesis(),
    r.epochDuration(),
    c.vault.token(),
  ]);
  const params: ScoringParams = toScoringParams(raw);
  const [rule, delegateCount, standbyCount, slotsPerEpoch, votesPerNode, challengePeriod, keeperMinBond, challengeReward, keeperReward] = await Promise.all([
    e.rule(), e.delegateCount(), e.standbyCount(), e.slotsPerEpoch(), e.votesPerNode(), e.challengePeriod(), e.keeperMinBond(), e.challengeReward(), e.keeperReward(),
  ]); // prettier-ignore
  const penalties = await Promise.all([0, 1, 2].map(async (offence) => {
    const p = await l.penalties(offence);
    return { slashFraction: p.slashFraction, creditPenalty: p.creditPenalty, jailPeriod: p.jailPeriod };
  })); // prettier-ignore
  const rewards = await l.rewards();
  return {
    model: Number(model),
    rule: Number(rule),
    params,
    genesis,
    epochDuration,
    delegateCount,
    standbyCount,
    slotsPerEpoch,
    votesPerNode,
    challengePeriod,
    unbondingPeriod: await c.vault.unbondingPeriod(),
    producerPoolShareBps: await c.vault.producerShareBps(),
    attesterPoolShareBps: await c.vault.attesterShareBps(),
    keeperPoolShareBps: await c.vault.keeperShareBps(),
    participationFee: await c.meters.participationFee(),
    keeperMinBond,
    challengeReward,
    keeperReward,
    penalties: penalties as SystemOptions["penalties"],
    producerReward: rewards.producerReward,
    attesterReward: rewards.attesterReward,
    reporterShare: rewards.reporterShare,
    evidenceWindow: rewards.evidenceWindow,
    token,
  };
}

const ROLES: (RoleName | "DEFAULT_ADMIN_ROLE")[] = [
  "DEFAULT_ADMIN_ROLE",
  "OPERATOR_ROLE",
  "RECORDER_ROLE",
  "SCHEDULER_ROLE",
  "SUPERVISOR_ROLE",
  "METER_ORACLE_ROLE",
  "PARAMETER_ADMIN_ROLE",
  "PAUSER_ROLE",
];
const roleHash = (role: string) => (role === "DEFAULT_ADMIN_ROLE" ? ZeroHash : id(role));
const ACCESS_CONTROLLED: ContractKey[] = ["vault", "registry", "meters", "election", "ledger"];

interface RoleEvents {
  filters: { RoleGranted(): unknown; RoleRevoked(): unknown };
  queryFilter(filter: unknown, from?: number, to?: number): Promise<{ args: { role: string; account: string } }[]>;
}

/**
 * The wiring of `c` as sorted lines, each naming contracts by their key and `admin` for the admin:
 * "vault.OPERATOR_ROLE → meters" for every role held (granted and not revoked, from the RoleGranted
 * and RoleRevoked events in blocks [fromBlock, toBlock]), "vault.depositObserver → election",
 * "vault.depositRule → registry", "vault.unbondingFloor → election". An account that is neither a
 * contract of `c` nor the admin appears by its address, an unknown role by its hash.
 */
export async function readWiring(c: Contracts, admin: string, fromBlock = 0, toBlock?: number): Promise<string[]> {
  const names = new Map<string, string>([[admin.toLowerCase(), "admin"]]);
  for (const key of Object.keys(CONTRACT_NAMES) as ContractKey[])
    names.set((await (c[key] as BaseContract).getAddress()).toLowerCase(), key);
  const name = (a: string) => names.get(a.toLowerCase()) ?? a;
  const roles = new Map(ROLES.map((r) => [roleHash(r), r as string]));
  const lines = new Set<string>();
  for (const key of ACCESS_CONTROLLED) {
    const contract = c[key] as unknown as RoleEvents;
    const held = new Map<string, number>();
    const events = [
      ...(await contract.queryFilter(contract.filters.RoleGranted(), fromBlock, toBlock)).map((ev) => ({ ev, delta: 1 })),
      ...(await contract.queryFilter(contract.filters.RoleRevoked(), fromBlock, toBlock)).map((ev) => ({ ev, delta: -1 })),
    ];
    for (const { ev, delta } of events) {
      const line = `${key}.${roles.get(ev.args.role) ?? ev.args.role} → ${name(ev.args.account)}`;
      held.set(line, (held.get(line) ?? 0) + delta);
    }
    for (const [line, count] of held) if (count > 0) lines.add(line);
  }
  const [observer, rule, floors] = await Promise.all([c.vault.depositObserver(), c.vault.depositRule(), c.vault.unbondingFloors()]);
  if (observer !== ZeroAddress) lines.add(`vault.depositObserver → ${name(observer)}`);
  if (rule !== ZeroAddress) lines.add(`vault.depositRule → ${name(rule)}`);
  for (const floor of floors) lines.add(`vault.unbondingFloor → ${name(floor)}`);
  return [...lines].sort();
}

/** The lines {@link readWiring} must give for a deployment made by the admin from ./wiring.ts. */
export function expectedWiring(): string[] {
  const lines = ACCESS_CONTROLLED.map((key) => `${key}.DEFAULT_ADMIN_ROLE → admin`);
  for (const s of [...PAIR_WIRING, ...CORE_WIRING]) {
    const what =
      s.call === "grantRole"
        ? s.role
        : { setDepositObserver: "depositObserver", setDepositRule: "depositRule", addUnbondingFloor: "unbondingFloor" }[s.call];
    lines.push(`${s.on}.${what} → ${s.to}`);
  }
  return lines.sort();
}
