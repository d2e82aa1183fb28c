// Random sequences of block commits, missed slots, equivocations, claims and withdrawals over an
// epoch: after every step the vault holds exactly what it owes (SPEC.md 9.1), no offence is
// punished twice (9.3), and no jailed node owns a slot still to come (9.3).
import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { commit, header, ledgerFixture, type LedgerFixture } from "./helpers";
import { signHeader } from "../../src/ledger/signing";
import { SeededRandom } from "../../src/util/random";
import { WAD } from "../../src/scoring/params";

async function checkInvariants(f: LedgerFixture, punished: Map<string, number>) {
  expect(await f.token.balanceOf(await f.vault.getAddress())).to.equal(await f.vault.accountedBalance());
  for (const [evidence, count] of punished) expect(count, `evidence ${evidence} punished`).to.equal(1);
  const now = BigInt(await time.latest());
  const slotLength = await f.election.slotDuration();
  const currentSlot = (now - (await f.election.epochStart(f.epoch))) / slotLength;
  for (let s = currentSlot + 1n; s < 6n; s++) {
    const owner = await f.election.slotOwner(f.epoch, s);
    if (owner !== ethers.ZeroAddress) expect(await f.registry.isJailed(owner), `slot ${s} owner ${owner} jailed`).to.equal(false);
  }
}

describe("ledger: invariants under random operation sequences", () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`seed ${seed}: conservation, single punishment, no jailed node scheduled`, async () => {
      const f = await ledgerFixture();
      const rng = new SeededRandom(seed);
      const punished = new Map<string, number>();
      const count = async (tx: Promise<{ wait(): Promise<unknown> }>) => {
        const receipt = (await (await tx).wait()) as { logs: { topics: readonly string[]; data: string }[] };
        for (const log of receipt.logs) {
          const parsed = f.ledger.interface.parseLog(log);
          if (parsed?.name === "OffencePunished") punished.set(parsed.args.evidence, (punished.get(parsed.args.evidence) ?? 0) + 1);
        }
      };
      for (let slot = 0n; slot < 6n; slot++) {
        if (slot > 0n) await time.increaseTo(await f.slotStart(slot));
        for (let step = 0; step < 4; step++) {
          const action = rng.below(6);
          const actor = f.nodes[rng.below(f.nodes.length)];
          const attempt = async () => {
            if (action === 0) await count((await commit(f, slot)).tx);
            else if (action === 1 && slot > 0n)
              await count(f.ledger.connect(actor).reportMissedSlot(f.epoch, BigInt(rng.below(Number(slot)))));
            else if (action === 2) {
              const signer = f.signerOf(f.members[rng.below(3)]);
              const a = header(f, slot, { tradeCount: 1n });
              const b = header(f, slot, { tradeCount: 2n });
              await count(
                f.ledger
                  .connect(actor)
                  .reportEquivocation(a, await signHeader(signer, f.domain, a), b, await signHeader(signer, f.domain, b)),
              );
            } else if (action === 3) await f.vault.connect(actor).claim();
            else if (action === 4) await f.vault.connect(actor).requestWithdrawal(BigInt(1 + rng.below(50)) * WAD);
            else await f.vault.connect(actor).deposit(BigInt(1 + rng.below(50)) * WAD);
          };
          // Any action may revert legitimately (not the owner, nothing to claim, evidence used...).
          await attempt().catch(() => undefined);
          await checkInvariants(f, punished);
        }
      }
      expect(await f.vault.totalBonded()).to.be.greaterThan(0n);
      // the sequence exercised what it claims to: punishments and commits both happened
      expect(punished.size).to.be.greaterThan(0);
      expect(await f.ledger.blocksInEpoch(f.epoch)).to.be.greaterThan(0n);
    });
  }
});
