// Report the planned energy of the node's next trading cycle (paper 1 2.2.1: a plan is a promise
// made before its cycle), paying the participation fee, with ethers alone:
//   npx ts-node scripts/examples/plan.ts --rpc URL --addresses FILE --key env:NODE_KEY --energy 5000
import { sendChecked } from "../../src/chain/tx";
import * as p from "../../src/util/parse";
import { connect, example, keyOf, run } from "./connect";

const program = example("plan", "Report the planned energy (Wh) of the node's next trading cycle")
  .option("--key <spec>", "the node's key")
  .requiredOption("--energy <wh>", "planned energy in Wh, at most 2^96 - 1");

run(async () => {
  const o = program.parse().opts<{ rpc?: string; addresses?: string; key?: string; energy: string }>();
  const energy = p.whole("--energy", o.energy, 0n, 2n ** 96n - 1n);
  const chain = await connect(o);
  const key = await keyOf(chain, o.key);
  const node = await key.getAddress();
  const { meters, token, vault } = chain.contracts;
  const cycle = (await meters.currentCycle(node)) + 1n;
  const fee = await meters.participationFee();
  const vaultAddress = await vault.getAddress();
  if ((await token.allowance(node, vaultAddress)) < fee) await sendChecked("approve", token.connect(key).approve, vaultAddress, fee);
  const r = await sendChecked("reportPlan", meters.connect(key).reportPlan, cycle, energy);
  console.log(
    JSON.stringify({ event: "planned", node, cycle: cycle.toString(), energy: energy.toString(), fee: fee.toString(), tx: r.hash }),
  );
});
