// Deployment presets. `paper1` is the default of deploySystem (day-long epochs, 24 slots). `local`
// fits a `npx hardhat node` watched by a person or a test: 4-minute epochs of four 1-minute slots
// and a 1-minute challenge window, and a missed slot jails for one epoch (a day would keep the
// offender out of every election a short session sees).
import { defaultSystemOptions, type SystemOptions } from "./deploySystem";

export const PRESETS = ["paper1", "local"] as const;
export type Preset = (typeof PRESETS)[number];

export function presetOptions(preset: Preset): SystemOptions {
  const base = defaultSystemOptions();
  if (preset === "paper1") return base;
  const [missed, equivocation, invalid] = base.penalties;
  return {
    ...base,
    epochDuration: 240n,
    slotsPerEpoch: 4n,
    challengePeriod: 60n,
    standbyCount: 1n,
    unbondingPeriod: 3_600n,
    evidenceWindow: 1_200n,
    penalties: [{ ...missed, jailPeriod: 240n }, equivocation, invalid],
  };
}
