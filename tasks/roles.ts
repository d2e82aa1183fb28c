// Hardhat tasks for every role action of SPEC.md section 7, on a running chain (`--network
// localhost` after `npx hardhat node`, or `--network testnet`), against the addresses recorded by
// `deploy-system`. `--from` names the acting account: an index of the local node's accounts, or
// env:NAME for a private key in an environment variable. Every argument is checked before anything
// is sent and errors name it; a transaction is sent only after a call shows it succeeds. `--json`
// prints a machine-readable result. Modules are loaded inside the actions so that the config
// loads before TypeChain has generated its types, and each action compiles first when they are
// missing (a fresh clone: tasks/lib/compiled.ts).
import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { ZeroAddress, ZeroHash } from "ethers";
import { chainTime, sendChecked as send, signerFrom } from "../src/chain/tx";
import { asTask } from "./lib/failure";
import { ensureCompiled } from "./lib/compiled";
import * as p from "../src/util/parse";
import { StateError } from "../src/util/errors";

type Ctx = Awaited<ReturnType<typeof import("./lib/context").connect>>;
type Args = Record<string, string | boolean | undefined>;
type Result = { text: string; json: object };

/** A role task: common --from and --json, context, clean errors (exit code 1, no stack). */
function roleTask(name: string, description: string, action: (args: Args, ctx: Ctx, hre: HardhatRuntimeEnvironment) => Promise<Result>) {
  return task(name, description)
    .addOptionalParam("from", "acting account: index on a local node, env:NAME or file:PATH holding a private key", undefined, types.string)
    .addFlag("json", "print the result as JSON")
    .setAction((args: Args, hre) =>
      asTask(name, async () => {
        await ensureCompiled(hre);
        const { connect } = await import("./lib/context");
        const ctx = await connect(hre, args.from as string | undefined);
        const result = await action(args, ctx, hre);
        const { toJson } = await import("../src/util/json");
        console.log(args.json ? toJson(result.json) : result.text);
      }),
    );
}

const fmt = (units: bigint) => `${(Number(units) / 1e18).toLocaleString("en", { maximumFractionDigits: 6 })} tokens`;

async function ensureAllowance(ctx: Ctx, amount: bigint) {
  const { need } = await import("./lib/context");
  const signer = need(ctx.signer);
  const vault = await ctx.contracts.vault.getAddress();
  const token = ctx.contracts.token.connect(signer);
  const owner = await signer.getAddress();
  const balance = await token.balanceOf(owner);
  if (balance < amount) throw new p.ArgumentError("--amount", amount, `${owner} holds ${fmt(balance)}, less than ${fmt(amount)}`);
  if ((await token.allowance(owner, vault)) < amount) await send("approve", token.approve, vault, amount);
}

roleTask("mint", "Local test token only: mint tokens to an account (a faucet)", async (a, ctx) => {
  const { need } = await import("./lib/context");
  const to = p.address("--to", a.to as string);
  const amount = p.tokens("--amount", a.amount as string);
  const r = await send("mint", ctx.contracts.token.connect(need(ctx.signer)).mint, to, amount);
  return { text: `minted ${fmt(amount)} to ${to} (tx ${r.hash})`, json: { to, amount, tx: r.hash } };
})
  .addParam("to", "receiving address")
  .addParam("amount", "tokens, e.g. 1000");

roleTask("register", "Prosumer: register a node (class, capacity, delegate-client endpoint)", async (a, ctx) => {
  const { need } = await import("./lib/context");
  const cls = p.nodeClass("--class", a.class as string);
  const capacity = p.whole("--capacity", a.capacity as string, 0n, 10n ** 10n);
  const endpoint = (a.endpoint as string) ?? "";
  if (endpoint !== "" && !/^https?:\/\/\S+$/.test(endpoint))
    throw new p.ArgumentError("--endpoint", endpoint, `"${endpoint}" is not an http(s) URL`);
  const r = await send("register", ctx.contracts.registry.connect(need(ctx.signer)).register, cls, capacity, endpoint);
  const node = await need(ctx.signer).getAddress();
  return {
    text: `registered ${node} (class ${cls}, ${capacity} W, endpoint "${endpoint}"): pending admission (tx ${r.hash})`,
    json: { node, nodeClass: cls, capacity, endpoint, tx: r.hash },
  };
})
  .addParam(
    "class",
    "node class: HouseholdRooftopPV, SingleHouseholdClusterPV, MultiHouseholdCommunityPV, Wind, Hydro, IntegratedEnergy, Consumer (or 0-6)",
  )
  .addParam("capacity", "installed capacity in watts (0 for consumers)")
  .addOptionalParam("endpoint", "URL of the node's delegate client, e.g. http://127.0.0.1:7001", "", types.string);

roleTask("admit", "Supervisor: admit a registered node", async (a, ctx) => {
  const { need } = await import("./lib/context");
  const node = p.address("--node", a.node as string);
  const r = await send("admit", ctx.contracts.registry.connect(need(ctx.signer)).admit, node);
  return { text: `admitted ${node} (tx ${r.hash})`, json: { node, tx: r.hash } };
}).addParam("node", "the node's address");

roleTask("deposit", "Node: bond tokens as its deposit (approves the vault when needed)", async (a, ctx) => {
  const { need } = await import("./lib/context");
  const amount = p.tokens("--amount", a.amount as string);
  await ensureAllowance(ctx, amount);
  const signer = need(ctx.signer);
  const r = await send("deposit", ctx.contracts.vault.connect(signer).deposit, amount);
  const bonded = await ctx.contracts.vault.bonded(await signer.getAddress());
  return { text: `deposited ${fmt(amount)}; bonded now ${fmt(bonded)} (tx ${r.hash})`, json: { amount, bonded, tx: r.hash } };
}).addParam("amount", "tokens, e.g. 500");

roleTask("request-withdrawal", "Node: start unbonding part or all of its deposit", async (a, ctx) => {
  const { need } = await import("./lib/context");
  const amount = p.tokens("--amount", a.amount as string);
  const signer = need(ctx.signer);
  const r = await send("requestWithdrawal", ctx.contracts.vault.connect(signer).requestWithdrawal, amount);
  const u = await ctx.contracts.vault.unbonding(await signer.getAddress());
  return {
    text: `unbonding ${fmt(u.amount)}, withdrawable from ${new Date(Number(u.releaseAt) * 1000).toISOString()} (tx ${r.hash})`,
    json: { unbonding: u.amount, releaseAt: u.releaseAt, tx: r.hash },
  };
}).addParam("amount", "tokens to unbond");

roleTask("withdraw", "Node: withdraw its unbonded deposit once the unbonding period is over", async (_a, ctx) => {
  const { need } = await import("./lib/context");
  const r = await send("withdraw", ctx.contracts.vault.connect(need(ctx.signer)).withdraw);
  return { text: `withdrawn (tx ${r.hash})`, json: { tx: r.hash } };
});

roleTask(
  "report-plan",
  "Producer: report the planned energy of the next trading cycle, before it begins (pays the participation fee)",
  async (a, ctx) => {
    const { need } = await import("./lib/context");
    const signer = need(ctx.signer);
    const energy = p.whole("--energy", a.energy as string, 0n, 2n ** 96n - 1n);
    const cycle =
      a.cycle === undefined
        ? (await ctx.contracts.meters.currentCycle(await signer.getAddress())) + 1n
        : p.whole("--cycle", a.cycle as string);
    const fee = await ctx.contracts.meters.participationFee();
    if (fee > 0n) await ensureAllowance(ctx, fee);
    const r = await send("reportPlan", ctx.contracts.meters.connect(signer).reportPlan, cycle, energy);
    return { text: `planned ${energy} Wh for cycle ${cycle}; fee ${fmt(fee)} (tx ${r.hash})`, json: { cycle, energy, fee, tx: r.hash } };
  },
)
  .addParam("energy", "planned energy in Wh")
  .addOptionalParam("cycle", "trading cycle (default and only one taken: the next one)", undefined, types.string);

roleTask("report-meter", "Meter oracle: report a node's metered energy for a closed cycle", async (a, ctx) => {
  const { need } = await import("./lib/context");
  const node = p.address("--node", a.node as string);
  const cycle = p.whole("--cycle", a.cycle as string);
  const energy = p.whole("--energy", a.energy as string, 0n, 2n ** 96n - 1n);
  const r = await send("reportMeterReading", ctx.contracts.meters.connect(need(ctx.signer)).reportMeterReading, node, cycle, energy);
  const record = await ctx.contracts.registry.creditRecordAt(node, await chainTime(ctx.provider));
  return {
    text: `metered ${energy} Wh for ${node} cycle ${cycle}; quality D now ${(Number(record.quality) / 1e18).toFixed(3)} (tx ${r.hash})`,
    json: { node, cycle, energy, quality: record.quality, tx: r.hash },
  };
})
  .addParam("node", "the node's address")
  .addParam("cycle", "the closed trading cycle")
  .addParam("energy", "metered energy in Wh");

roleTask("vote", "Node: replace its votes (address:count pairs; empty withdraws them)", async (a, ctx) => {
  const { need } = await import("./lib/context");
  const { candidates, amounts } = p.votes("--votes", a.votes as string);
  const r = await send("vote", ctx.contracts.election.connect(need(ctx.signer)).vote, candidates, amounts);
  return {
    text: `voted ${candidates.map((c, i) => `${amounts[i]} for ${c}`).join(", ") || "nothing (votes withdrawn)"} (tx ${r.hash})`,
    json: { candidates, amounts, tx: r.hash },
  };
}).addOptionalParam("votes", "e.g. 0xabc…:6,0xdef…:4", "", types.string);

roleTask("claim", "Anyone: claim accrued rewards", async (_a, ctx) => {
  const { need } = await import("./lib/context");
  const signer = need(ctx.signer);
  const amount = await ctx.contracts.vault.rewards(await signer.getAddress());
  const r = await send("claim", ctx.contracts.vault.connect(signer).claim);
  return { text: `claimed ${fmt(amount)} (tx ${r.hash})`, json: { amount, tx: r.hash } };
});

roleTask(
  "fund-rewards",
  "Benefactor: add tokens to the reward pool, shared among block producers, attesters and keepers by the deployment's shares (approves the vault when needed)",
  async (a, ctx) => {
    const { need } = await import("./lib/context");
    const { fundRewards } = await import("../src/rewards/fund");
    const amount = p.tokens("--amount", a.amount as string);
    const f = await fundRewards(ctx.contracts.vault, ctx.contracts.token, need(ctx.signer), amount, "--amount");
    const parts = (x: { producers: bigint; attesters: bigint; keepers: bigint }) =>
      `producers ${fmt(x.producers)}, attesters ${fmt(x.attesters)}, keepers ${fmt(x.keepers)}`;
    return { text: `funded ${fmt(amount)}: ${parts(f.shared)}; role pools now ${parts(f.pools)} (tx ${f.tx})`, json: f };
  },
).addParam("amount", "tokens, e.g. 100");

roleTask("unjail", "Delegate: leave jail once its jail period is over, if its deposit is still at least the minimum", async (_a, ctx) => {
  const { need } = await import("./lib/context");
  const { unjailDecision } = await import("../src/delegate/unjail");
  const signer = need(ctx.signer);
  const node = await signer.getAddress();
  const now = await chainTime(ctx.provider);
  const [record, deposit, minimum] = await Promise.all([
    ctx.contracts.registry.creditRecordAt(node, now),
    ctx.contracts.vault.bonded(node),
    ctx.contracts.registry.minDeposit(),
  ]);
  // the contract's own rule first, to say in words what its error would only encode
  const d = unjailDecision({ jailed: record.jailed, jailedUntil: record.jailedUntil, now, deposit, minimum });
  if (!d.due) {
    if (d.reason === "not-jailed") throw new p.ArgumentError("--from", node, `${node} is not jailed (NotJailed)`);
    if (d.reason === "jail-not-over") {
      const at = new Date(Number(d.jailedUntil) * 1000).toISOString();
      throw new p.ArgumentError(
        "--from",
        node,
        `${node} is jailed until ${at} (chain time ${d.jailedUntil}), ${d.jailedUntil - now} s after the latest block (JailNotOver)`,
      );
    }
    throw new p.ArgumentError(
      "--from",
      node,
      `${node}'s deposit of ${fmt(d.deposit)} is below the minimum of ${fmt(d.minimum)}; deposit ${fmt(d.minimum - d.deposit)} more first (DepositBelowMinimum)`,
    );
  }
  const r = await send("unjail", ctx.contracts.registry.connect(signer).unjail);
  return { text: `unjailed ${node} (tx ${r.hash})`, json: { node, unjailed: true, tx: r.hash } };
});

roleTask("trade", "Prosumers: sign a trade order as seller and buyer and send it to the current delegates", async (a, ctx) => {
  const { ledgerDomain } = await import("../src/ledger/signing");
  const { sendToDelegates, signedTrade } = await import("../src/delegate/prosumer");
  const seller = await signerFrom(a.seller as string, ctx.provider, "--seller");
  const buyer = await signerFrom(a.buyer as string, ctx.provider, "--buyer");
  const order = {
    seller: await seller.getAddress(),
    buyer: await buyer.getAddress(),
    energy: p.whole("--energy", a.energy as string, 1n, 2n ** 96n - 1n),
    price: p.tokens("--price", a.price as string),
    nonce: a.nonce === undefined ? BigInt(Date.now()) : p.whole("--nonce", a.nonce as string, 0n, 2n ** 96n - 1n),
  };
  const domain = ledgerDomain(BigInt(ctx.record.chainId), ctx.record.contracts.ledger);
  const answers = await sendToDelegates(ctx.contracts, await signedTrade(domain, order, seller, buyer));
  if (answers.length === 0)
    throw new StateError("delegates", 0, `epoch ${await ctx.contracts.election.currentEpoch()} has no delegates to take trades yet`);
  const ok = answers.filter((x) => x.status === 200).length;
  if (ok === 0)
    throw new StateError(
      "trade",
      answers.length,
      `no delegate accepted the trade: ${answers.map((x) => `${x.url}: ${JSON.stringify(x.answer)}`).join("; ")}`,
    );
  return { text: `trade sent to ${answers.length} delegates, accepted by ${ok}`, json: { order, answers } };
})
  .addParam("seller", "the seller's account (index, env:NAME or file:PATH)")
  .addParam("buyer", "the buyer's account (index, env:NAME or file:PATH)")
  .addParam("energy", "energy in Wh")
  .addParam("price", "price in tokens")
  .addOptionalParam("nonce", "order nonce (default: the time in ms)", undefined, types.string);

roleTask("show-node", "Show a node: status, class, deposit, credit and trust records, votes, rewards", async (a, ctx) => {
  const node = p.address("--node", a.node as string);
  const c = ctx.contracts;
  const now = await chainTime(ctx.provider);
  const [info, bonded, unbonding, rewards, credit, trust, votes, jailed, endpoint] = await Promise.all([
    c.registry.nodeOf(node),
    c.vault.bonded(node),
    c.vault.unbonding(node),
    c.vault.rewards(node),
    c.registry.creditRecordAt(node, now),
    c.registry.trustRecordAt(node, now),
    c.election.votesAt(node, now),
    c.registry.isJailed(node),
    c.registry.endpointOf(node),
  ]);
  const STATUS = ["None", "Pending", "Admitted", "Rejected", "Exited"];
  const json = {
    node,
    status: STATUS[Number(info.status)] ?? String(info.status),
    nodeClass: Number(info.nodeClass),
    capacity: info.capacity,
    endpoint,
    jailed,
    bonded,
    unbonding: unbonding.amount,
    rewards,
    quality: credit.quality,
    offencePenalty: credit.offencePenalty,
    cleanRecord: credit.clean,
    trust: trust.trust,
    votesReceived: votes.votes,
  };
  const text = Object.entries(json)
    .map(([k, v]) => `${k.padEnd(15)} ${typeof v === "bigint" && ["bonded", "unbonding", "rewards"].includes(k) ? fmt(v) : String(v)}`)
    .join("\n");
  return { text, json };
}).addParam("node", "the node's address");

roleTask("show-epoch", "Show an epoch: timing, election state, blocks", async (a, ctx) => {
  const e = ctx.contracts.election;
  const epoch = a.epoch === undefined ? await e.currentEpoch() : p.whole("--epoch", a.epoch as string);
  const [el, start, snapshot, deadline, blocks, submitter] = await Promise.all([
    e.elections(epoch),
    e.epochStart(epoch),
    epoch > 0n ? e.snapshotOf(epoch) : Promise.resolve(0n),
    e.submissionDeadline(epoch).catch(() => 0n),
    ctx.contracts.ledger.blocksInEpoch(epoch),
    e.submitterOf(epoch),
  ]);
  const state = el.finalized
    ? "finalized"
    : el.carriedOver
      ? "carried over"
      : el.submission !== ZeroAddress
        ? "submitted"
        : el.seed !== ZeroHash
          ? "open"
          : el.seedBlock !== 0n
            ? "opened, seed not fixed"
            : "not opened";
  const json = {
    epoch,
    current: await e.currentEpoch(),
    start,
    snapshot,
    submissionDeadline: deadline,
    election: state,
    submitter,
    members: el.members,
    blocks,
  };
  const text = Object.entries(json)
    .map(([k, v]) => `${k.padEnd(19)} ${String(v)}`)
    .join("\n");
  return { text, json };
}).addOptionalParam("epoch", "epoch number (default: the current one)", undefined, types.string);

roleTask("show-delegates", "Show the delegates serving an epoch, the standbys and the slot schedule", async (a, ctx) => {
  const e = ctx.contracts.election;
  const epoch = a.epoch === undefined ? await e.currentEpoch() : p.whole("--epoch", a.epoch as string);
  const [list, source, k] = await e.delegatesOf(epoch);
  const slots = Number(await e.slotsPerEpoch());
  const schedule = [];
  for (let s = 0; s < Math.min(slots, 48); s++) {
    const [owner, committed] = await Promise.all([e.slotOwner(epoch, s), ctx.contracts.ledger.committed(epoch, s)]);
    schedule.push({ slot: s, owner, committed: committed !== ZeroHash });
  }
  const json = { epoch, electedFor: source, delegates: list.slice(0, Number(k)), standbys: list.slice(Number(k)), schedule };
  const text = [
    `epoch ${epoch}: ${k} delegates (set elected for epoch ${source})`,
    ...json.delegates.map((d, i) => `  delegate ${i + 1}: ${d}`),
    ...json.standbys.map((d, i) => `  standby ${i + 1}:  ${d}`),
    ...schedule.map((s) => `  slot ${String(s.slot).padStart(2)}: ${s.owner}${s.committed ? "  committed" : ""}`),
  ].join("\n");
  return { text, json };
}).addOptionalParam("epoch", "epoch number (default: the current one)", undefined, types.string);
