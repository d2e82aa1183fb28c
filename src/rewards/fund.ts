// A benefactor funds the reward pool (issue 24 item 3): checks the balance, approves the vault when
// its allowance is short, sends fundPool only after a call shows it succeeds, and reports how the
// vault shared the tokens among producers, attesters and keepers (its PoolShared event).
import { formatUnits, type Signer } from "ethers";
import type { StakeVault, TestToken } from "../../typechain-types";
import { sendChecked } from "../chain/tx";
import type { PoolShares } from "./pool";
import { StateError } from "../util/errors";

export class FundingError extends Error {
  constructor(
    readonly field: string,
    readonly value: bigint,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export interface Funding {
  funder: string;
  amount: bigint;
  /** What the vault added to each role pool: its PoolShared event. */
  shared: PoolShares;
  /** The role pools after the funding. */
  pools: PoolShares;
  tx: string;
}

/** Adds `amount` token units of `funder`'s to the reward pool; `field` names the amount in errors. */
export async function fundRewards(vault: StakeVault, token: TestToken, funder: Signer, amount: bigint, field = "amount"): Promise<Funding> {
  const owner = await funder.getAddress();
  const vaultAddress = await vault.getAddress();
  const balance = await token.balanceOf(owner);
  if (balance < amount)
    throw new FundingError(field, amount, `${owner} holds ${formatUnits(balance, 18)} tokens, less than ${formatUnits(amount, 18)}`);
  if ((await token.allowance(owner, vaultAddress)) < amount)
    await sendChecked("approve", token.connect(funder).approve, vaultAddress, amount);
  const sent = await sendChecked("fundPool", vault.connect(funder).fundPool, amount);
  const receipt = await funder.provider!.getTransactionReceipt(sent.hash);
  const event = receipt!.logs.map((l) => vault.interface.parseLog(l)).find((e) => e?.name === "PoolShared");
  if (!event)
    throw new StateError(
      "PoolShared",
      sent.hash,
      `fundPool ${sent.hash} emitted no PoolShared event: is ${vaultAddress} this system's vault?`,
    );
  const [producers, attesters, keepers] = await vault.rewardPools({ blockTag: sent.block });
  return {
    funder: owner,
    amount,
    shared: { producers: event.args.toProducers, attesters: event.args.toAttesters, keepers: event.args.toKeepers },
    pools: { producers, attesters, keepers },
    tx: sent.hash,
  };
}
