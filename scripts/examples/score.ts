// A node's score and key in an election, as the contract computes it, with ethers alone:
//   npx ts-node scripts/examples/score.ts --rpc URL --addresses FILE --node 0x… [--epoch N]
// The default epoch is the next one, whose snapshot (the start of the current epoch) is already fixed.
import * as p from "../../src/util/parse";
import { connect, example, run } from "./connect";

const program = example("score", "Read a node's eligibility, score (WAD) and election key")
  .requiredOption("--node <address>", "the node")
  .option("--epoch <n>", "the election's epoch (default: the next epoch)");

run(async () => {
  const o = program.parse().opts<{ rpc?: string; addresses?: string; node: string; epoch?: string }>();
  const node = p.address("--node", o.node);
  const chain = await connect(o);
  const { election } = chain.contracts;
  const maxEpoch = await election.maxEpoch();
  const epoch = o.epoch === undefined ? (await election.currentEpoch()) + 1n : p.whole("--epoch", o.epoch, 1n, maxEpoch);
  const [eligible, score, key] = await election.scoreOf(epoch, node);
  console.log(JSON.stringify({ node, epoch: epoch.toString(), eligible, score: score.toString(), key: key.toString() }));
});
