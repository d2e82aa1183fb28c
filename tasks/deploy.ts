// `npx hardhat deploy-system --network localhost`: deploys and wires the whole system and records
// its addresses in deploy/addresses/<chainId>.json, where every role task and service finds them.
// `record-deployment` writes the same record from a finished Ignition deployment (ignition/modules/).
import { task, types } from "hardhat/config";
import { asTask } from "./lib/failure";
import { ensureCompiled } from "./lib/compiled";
import { rpcProvider, signerFrom } from "../src/chain/tx";
import * as p from "../src/util/parse";

task("deploy-system", "Deploy token, vault, registry, meter book, election, ledger and lens, and record their addresses")
  .addOptionalParam(
    "from",
    "deployer and admin: index on a local node, env:NAME or file:PATH holding a private key",
    undefined,
    types.string,
  )
  .addOptionalParam("preset", "paper1 (day-long epochs, 24 slots) or local (4-minute epochs, 4 slots)", "paper1", types.string)
  .addOptionalParam("model", "credit, dynamic-trust or classic", "credit", types.string)
  .addOptionalParam("rule", "top-k or weighted", "top-k", types.string)
  .addOptionalParam("delegates", "K, delegates per epoch (1-101)", undefined, types.string)
  .addOptionalParam("standbys", "standbys after the K delegates (0-32)", undefined, types.string)
  .addOptionalParam("token", "an existing ERC-20 to stake with (default: deploy a test token)", undefined, types.string)
  .addOptionalParam(
    "poolShares",
    "how every inflow of the reward pool is shared: producers,attesters,keepers in basis points adding up to 10000 (default 6000,1500,2500)",
    undefined,
    types.string,
  )
  .addFlag("json", "print the record as JSON")
  .setAction((args: Record<string, string | boolean | undefined>, hre) =>
    asTask("deploy-system", async () => {
      await ensureCompiled(hre);
      const { PRESETS, presetOptions } = await import("../src/deployment/presets");
      const { ScoringModel } = await import("../src/scoring/params");
      const { ElectionRule } = await import("../src/scoring/electionKey");
      const options = presetOptions(p.oneOf("--preset", args.preset as string, PRESETS));
      options.model = { credit: ScoringModel.Credit, "dynamic-trust": ScoringModel.DynamicTrust, classic: ScoringModel.Classic }[
        p.oneOf("--model", args.model as string, ["credit", "dynamic-trust", "classic"] as const)
      ];
      options.rule =
        p.oneOf("--rule", args.rule as string, ["top-k", "weighted"] as const) === "top-k"
          ? ElectionRule.TopK
          : ElectionRule.WeightedRandom;
      if (args.delegates !== undefined) options.delegateCount = p.whole("--delegates", args.delegates as string, 1n, 101n);
      if (args.standbys !== undefined) options.standbyCount = p.whole("--standbys", args.standbys as string, 0n, 32n);
      if (args.token !== undefined) options.token = p.address("--token", args.token as string);
      if (args.poolShares !== undefined) {
        const shares = p.poolShares("--pool-shares", args.poolShares as string);
        [options.producerPoolShareBps, options.attesterPoolShareBps, options.keeperPoolShareBps] = [
          shares.producers,
          shares.attesters,
          shares.keepers,
        ];
      }
      if (hre.network.name === "hardhat")
        throw new p.ArgumentError(
          "--network",
          hre.network.name,
          'network "hardhat" forgets everything when the command ends: deploy to --network localhost (after `npx hardhat node`) or --network testnet',
        );
      if (!("url" in hre.network.config))
        throw new p.ArgumentError("--network", hre.network.name, `network "${hre.network.name}" has no url`);
      const provider = rpcProvider(hre.network.config.url);
      const admin = await signerFrom((args.from as string) ?? (hre.network.name === "testnet" ? "env:TESTNET_PRIVATE_KEY" : "0"), provider);
      const { deploySystem } = await import("../src/deployment/deploySystem");
      const { recordDeployment } = await import("../src/deployment/addressBook");
      // the record's block is where readers of the system's logs start (the keeper's index, the
      // dashboard): the block before the first creation, so that nothing sent meanwhile is missed
      const block = await provider.getBlockNumber();
      const system = await deploySystem(admin, options);
      const { file, record } = await recordDeployment(system, (await provider.getNetwork()).chainId, hre.network.name, block);
      if (args.json) console.log(JSON.stringify(record, null, 2));
      else {
        console.log(`Deployed to ${hre.network.name} (chain ${record.chainId}) by ${await admin.getAddress()}; addresses in ${file}:`);
        for (const [name, a] of Object.entries(record.contracts)) console.log(`  ${name.padEnd(9)} ${a}`);
      }
    }),
  );

task(
  "record-deployment",
  "Write deploy/addresses/<chainId>.json from a finished Ignition deployment, after checking its options and wiring on chain",
)
  .addOptionalParam("deploymentId", "the Ignition deployment (ignition/deployments/<id>); default chain-<chainId>", undefined, types.string)
  .addFlag("json", "print the record as JSON")
  .setAction((args: { deploymentId?: string; json: boolean }, hre) =>
    asTask("record-deployment", async () => {
      await ensureCompiled(hre);
      const fs = await import("node:fs");
      const path = await import("node:path");
      const { status, listTransactions } = await import("@nomicfoundation/ignition-core");
      const { InputError, StateError } = await import("../src/util/errors");
      const { MODULE_ID } = await import("../src/deployment/ignitionParameters");
      const { CONTRACT_NAMES } = await import("../src/deployment/wiring");
      const { connectContracts, writeRecord } = await import("../src/deployment/addressBook");
      const { expectedWiring, readSystemOptions, readWiring } = await import("../src/deployment/readBack");
      if (hre.network.name === "hardhat" || !("url" in hre.network.config))
        throw new InputError("--network", hre.network.name, "name the chain the deployment went to (--network localhost or testnet)");
      const provider = rpcProvider(hre.network.config.url);
      const { chainId } = await provider.getNetwork();
      const id = args.deploymentId ?? `chain-${chainId}`;
      if (!/^[a-zA-Z0-9_-]+$/.test(id))
        throw new InputError("--deployment-id", id, `"${id}" is not a deployment id (letters, digits, _ and -)`);
      const dir = path.join(hre.config.paths.ignition, "deployments", id);
      if (!fs.existsSync(path.join(dir, "journal.jsonl")))
        throw new InputError("--deployment-id", id, `no Ignition deployment "${id}" (${dir}); run \`npx hardhat ignition deploy\` first`);
      const st = await status(dir);
      if (BigInt(st.chainId) !== chainId)
        throw new InputError(
          "--deployment-id",
          id,
          `deployment "${id}" went to chain ${st.chainId}, --network ${hre.network.name} is chain ${chainId}`,
        );
      const unfinished = {
        started: st.started,
        failed: st.failed.map((f) => f.futureId),
        held: st.held.map((f) => f.futureId),
        timedOut: st.timedOut.map((f) => f.futureId),
      };
      const open = Object.entries(unfinished).filter(([, ids]) => ids.length > 0);
      if (open.length > 0) {
        throw new StateError(
          "deployment",
          id,
          `deployment "${id}" is not complete (${open.map(([k, ids]) => `${k}: ${ids.join(", ")}`).join("; ")}): run the same \`ignition deploy\` command again to resume it`,
        );
      }
      const address = (key: keyof typeof CONTRACT_NAMES) => {
        const c = st.contracts[`${MODULE_ID}#${key}`];
        if (!c)
          throw new StateError(
            "deployment",
            id,
            `deployment "${id}" has no contract ${MODULE_ID}#${key}: not a deployment of ignition/modules/EnergyDpos*.ts`,
          );
        return c.address;
      };
      const addresses = Object.fromEntries(
        Object.keys(CONTRACT_NAMES).map((k) => [k, address(k as keyof typeof CONTRACT_NAMES)]),
      ) as Parameters<typeof connectContracts>[0];
      const contracts = connectContracts(addresses, provider);
      // the deployment's first and last blocks bound the event search; the admin is its sender
      const txs = (await listTransactions(dir, { loadArtifact: (name: string) => hre.artifacts.readArtifact(name) })).filter(
        (t) => t.status === "SUCCESS",
      );
      const receipts = await Promise.all(txs.map((t) => provider.getTransactionReceipt(t.txHash)));
      if (receipts.some((r) => r === null))
        throw new StateError(
          "deployment",
          id,
          `deployment "${id}": a transaction of its journal is not on chain ${chainId} (was the node restarted? deploy again with --reset)`,
        );
      const blocks = receipts.map((r) => r!.blockNumber);
      const admin = txs[0].from;
      const wiring = await readWiring(contracts, admin, Math.min(...blocks), Math.max(...blocks));
      const expected = expectedWiring();
      const missing = expected.filter((l) => !wiring.includes(l));
      const extra = wiring.filter((l) => !expected.includes(l));
      if (missing.length + extra.length > 0) {
        throw new StateError(
          "deployment",
          id,
          `deployment "${id}" is not wired as src/deployment/wiring.ts says (missing: ${missing.join("; ") || "none"}; unexpected: ${extra.join("; ") || "none"})`,
        );
      }
      // where readers of the system's logs start: the deployment's first block (a deposit can
      // follow the vault's creation before the rest is deployed)
      const firstBlock = Math.min(...blocks);
      const options = await readSystemOptions(contracts);
      const { file, record } = writeRecord({ chainId, network: hre.network.name, block: firstBlock, contracts: addresses, options });
      if (args.json) console.log(JSON.stringify(record, null, 2));
      else {
        console.log(
          `Recorded Ignition deployment "${id}" on ${hre.network.name} (chain ${chainId}, admin ${admin}, ${wiring.length} roles and links as wiring.ts says) in ${file}:`,
        );
        for (const [name, a] of Object.entries(record.contracts)) console.log(`  ${name.padEnd(9)} ${a}`);
      }
    }),
  );
