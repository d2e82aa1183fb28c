// The delegates serving an epoch and its slot owners, with ethers alone:
//   npx ts-node scripts/examples/delegates.ts --rpc URL --addresses FILE [--epoch N]
import { ZeroAddress } from "ethers";
import * as p from "../../src/util/parse";
import { connect, example, run } from "./connect";

const program = example("delegates", "Read the delegates serving an epoch (default: the current one)").option("--epoch <n>", "the epoch");

run(async () => {
  const o = program.parse().opts<{ rpc?: string; addresses?: string; epoch?: string }>();
  const chain = await connect(o);
  const { election } = chain.contracts;
  const epoch = o.epoch === undefined ? await election.currentEpoch() : p.whole("--epoch", o.epoch, 0n, await election.maxEpoch());
  const [list, source, k] = await election.delegatesOf(epoch);
  const slots = Number(await election.slotsPerEpoch());
  const owners = list.length === 0 ? [] : await Promise.all(Array.from({ length: slots }, (_, s) => election.slotOwner(epoch, s)));
  console.log(
    JSON.stringify({
      epoch: epoch.toString(),
      electedFor: list.length === 0 ? null : source.toString(),
      delegates: list.slice(0, Number(k)),
      standbys: list.slice(Number(k)),
      slotOwners: owners.map((a) => (a === ZeroAddress ? null : a)),
    }),
  );
});
