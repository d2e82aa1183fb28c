// Register a node and bond its deposit, with ethers alone:
//   npx ts-node scripts/examples/register.ts --rpc URL --addresses FILE --key env:NODE_KEY \
//     --class wind --capacity 80000 --endpoint http://host:7001 --deposit 500
// The supervisor admits it afterwards (admit.ts). Approves the vault first when the allowance is short.
import { WouldRevert, sendChecked } from "../../src/chain/tx";
import * as p from "../../src/util/parse";
import { connect, example, keyOf, run } from "./connect";

const program = example("register", "Register a node (class, capacity, delegate-client endpoint) and bond a deposit")
  .option("--key <spec>", "the node's key: env:NAME, file:PATH, or an index on a local chain")
  .requiredOption("--class <name>", "node class: HouseholdRooftopPV … Consumer, or 0-6")
  .requiredOption("--capacity <watts>", "installed capacity in watts (0 for a consumer)")
  .option("--endpoint <url>", "the node's delegate-client URL", "")
  .option("--deposit <tokens>", "tokens to bond (e.g. 500); none when absent");

run(async () => {
  const o = program
    .parse()
    .opts<{ rpc?: string; addresses?: string; key?: string; class: string; capacity: string; endpoint: string; deposit?: string }>();
  const nodeClass = p.nodeClass("--class", o.class);
  const capacity = p.whole("--capacity", o.capacity, 0n, 10n ** 10n);
  const deposit = o.deposit === undefined ? 0n : p.tokens("--deposit", o.deposit);
  const chain = await connect(o);
  const key = await keyOf(chain, o.key);
  const node = await key.getAddress();
  const { registry, vault, token } = chain.contracts;
  if (deposit > 0n) {
    const balance = await token.balanceOf(node);
    if (balance < deposit) throw new WouldRevert("deposit", `${node} holds ${balance} token units, less than --deposit ${deposit}`);
  }
  const registered = await sendChecked("register", registry.connect(key).register, nodeClass, capacity, o.endpoint);
  console.log(
    JSON.stringify({ event: "registered", node, nodeClass, capacity: capacity.toString(), endpoint: o.endpoint, tx: registered.hash }),
  );
  if (deposit === 0n) return;
  const vaultAddress = await vault.getAddress();
  if ((await token.allowance(node, vaultAddress)) < deposit)
    await sendChecked("approve", token.connect(key).approve, vaultAddress, deposit);
  const bonded = await sendChecked("deposit", vault.connect(key).deposit, deposit);
  console.log(
    JSON.stringify({ event: "bonded", node, amount: deposit.toString(), bonded: (await vault.bonded(node)).toString(), tx: bonded.hash }),
  );
});
