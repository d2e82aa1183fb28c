// Follow the block ledger's events — committed blocks, punished offences, clean epochs — one JSON
// line each, with ethers alone and plain eth_getLogs polling (no node-side filters, which hosted
// RPCs drop):
//   npx ts-node scripts/examples/follow.ts --rpc URL --addresses FILE [--from-block N] [--to-block N]
// Without --to-block it keeps following the chain's head until interrupted.
import type { BaseContract, EventLog, Log } from "ethers";
import * as p from "../../src/util/parse";
import { connect, example, run } from "./connect";

const program = example("follow", "Print the block ledger's events as JSON lines, from a block on")
  .option("--from-block <n>", "first block (default: the deployment's)")
  .option("--to-block <n>", "last block, then stop (default: follow the head)")
  .option("--poll <ms>", "milliseconds between looks at the head", "1000");

run(async () => {
  const o = program.parse().opts<{ rpc?: string; addresses?: string; fromBlock?: string; toBlock?: string; poll: string }>();
  const poll = Number(p.whole("--poll", o.poll, 50n, 600_000n));
  const chain = await connect(o);
  let from = o.fromBlock === undefined ? chain.record.block : Number(p.whole("--from-block", o.fromBlock, 0n, 2n ** 53n - 1n));
  const to = o.toBlock === undefined ? undefined : Number(p.whole("--to-block", o.toBlock, BigInt(from), 2n ** 53n - 1n));
  const { ledger } = chain.contracts;
  const print = (ev: EventLog | Log) => {
    if (!("eventName" in ev)) return;
    const args = Object.fromEntries(ev.fragment.inputs.map((input, i) => [input.name, ev.args[i]]));
    console.log(
      JSON.stringify({ block: ev.blockNumber, tx: ev.transactionHash, event: ev.eventName, ...args }, (_, v) =>
        typeof v === "bigint" ? v.toString() : v,
      ),
    );
  };
  for (;;) {
    const head = await chain.provider.getBlockNumber();
    const last = Math.min(head, to ?? head);
    // pages of 2,000 blocks: hosted RPCs cap a log query's range
    for (let start = from; start <= last; start += 2_000) {
      for (const ev of await (ledger as BaseContract).queryFilter("*", start, Math.min(last, start + 1_999))) print(ev);
    }
    from = Math.max(from, last + 1);
    if (to !== undefined && from > to) return;
    await new Promise((r) => setTimeout(r, poll));
  }
});
