// The supervisor admits a registered node, with ethers alone:
//   npx ts-node scripts/examples/admit.ts --rpc URL --addresses FILE --key env:SUPERVISOR_KEY --node 0x…
import { sendChecked } from "../../src/chain/tx";
import * as p from "../../src/util/parse";
import { connect, example, keyOf, run } from "./connect";

const program = example("admit", "Supervisor: admit a registered node")
  .option("--key <spec>", "the supervisor's key")
  .requiredOption("--node <address>", "the node");

run(async () => {
  const o = program.parse().opts<{ rpc?: string; addresses?: string; key?: string; node: string }>();
  const node = p.address("--node", o.node);
  const chain = await connect(o);
  const r = await sendChecked("admit", chain.contracts.registry.connect(await keyOf(chain, o.key)).admit, node);
  console.log(
    JSON.stringify({
      event: "admitted",
      node,
      tradingCycle: (await chain.contracts.registry.nodeOf(node)).tradingCycle.toString(),
      tx: r.hash,
    }),
  );
});
