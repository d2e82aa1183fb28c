// Replace the node's votes, with ethers alone (an empty --votes withdraws them):
//   npx ts-node scripts/examples/vote.ts --rpc URL --addresses FILE --key env:NODE_KEY --votes 0xA…:6,0xB…:4
import { sendChecked } from "../../src/chain/tx";
import * as p from "../../src/util/parse";
import { connect, example, keyOf, run } from "./connect";

const program = example("vote", "Cast the node's votes (replacing its earlier ones)")
  .option("--key <spec>", "the voting node's key")
  .requiredOption("--votes <list>", 'address:count pairs, comma-separated ("" withdraws)');

run(async () => {
  const o = program.parse().opts<{ rpc?: string; addresses?: string; key?: string; votes: string }>();
  const { candidates, amounts } = p.votes("--votes", o.votes);
  const chain = await connect(o);
  const key = await keyOf(chain, o.key);
  const r = await sendChecked("vote", chain.contracts.election.connect(key).vote, candidates, amounts);
  console.log(JSON.stringify({ event: "voted", voter: await key.getAddress(), candidates, amounts: amounts.map(String), tx: r.hash }));
});
