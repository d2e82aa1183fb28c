// The parameters of the Ignition module (ignition/modules/) from deploySystem's options, and back:
// one key per option, under the module id, bigints in Ignition's "123n" notation in files. The
// committed files under ignition/parameters/ are the presets written this way (a test holds them
// equal), so a testnet deployment and `deploySystem` start from the same numbers.
import type { SystemOptions } from "./deploySystem";
import type { DeployOption } from "./wiring";
import { InputError } from "../util/errors";

/** The module's id: its futures are "EnergyDpos#vault", "EnergyDpos#vault_OPERATOR_ROLE_meters", … */
export const MODULE_ID = "EnergyDpos";

/** Every option the module takes, in the order of a parameters file. */
export const DEPLOY_OPTIONS: readonly DeployOption[] = [
  "genesis", "epochDuration", "model", "rule", "params", "delegateCount", "standbyCount", "slotsPerEpoch", "votesPerNode",
  "challengePeriod", "unbondingPeriod", "participationFee", "keeperMinBond", "challengeReward", "keeperReward",
  "producerPoolShareBps", "attesterPoolShareBps", "keeperPoolShareBps", "penalties", "producerReward", "attesterReward",
  "reporterShare", "evidenceWindow",
]; // prettier-ignore

export type ModuleParameters = Record<string, Record<string, unknown>>;

/** The module's parameters for `options`; `genesis` must be fixed (a resumed deployment must see the same value). */
export function toIgnitionParameters(options: SystemOptions & { genesis: bigint }): ModuleParameters {
  return { [MODULE_ID]: Object.fromEntries(DEPLOY_OPTIONS.map((k) => [k, options[k]])) };
}

/** A parameters file's text: bigints as "123n", which Ignition's reader turns back into bigints. */
export function parametersJson(parameters: ModuleParameters): string {
  return JSON.stringify(parameters, (_, v) => (typeof v === "bigint" ? `${v}n` : v), 2) + "\n";
}

/** A parameters file's options (as Ignition reads it): "123n" strings become bigints; other keys are refused by name. */
export function readParametersJson(text: string, file: string): Partial<SystemOptions> & { genesis?: bigint } {
  const parsed = JSON.parse(text, (_, v) => (typeof v === "string" && /^\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v)) as ModuleParameters;
  const own = parsed[MODULE_ID];
  if (own === undefined) throw new InputError(file, undefined, `no "${MODULE_ID}" section`);
  const known = [...DEPLOY_OPTIONS, "token"]; // token: EnergyDposExistingToken's
  for (const key of Object.keys(own)) {
    if (!known.includes(key))
      throw new InputError(`${file}: "${MODULE_ID}.${key}"`, own[key], `is not a parameter of the module (${known.join(", ")})`);
  }
  return own as Partial<SystemOptions>;
}
