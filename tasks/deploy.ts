// `npx hardhat deploy-system --network localhost`: deploys and wires the whole system and records
// its addresses in deploy/addresses/<chainId>.json, where every role task and service finds them.
import { task, types } from "hardhat/config";
import { asTask } from "./lib/failure";
import { ensureCompiled } from "./lib/compiled";
import { rpcProvider, signerFrom } from "../src/chain/tx";
import * as p from "../src/util/parse";

task("deploy-system", "Deploy token, vault, registry, meter book, election, ledger and lens, and record their addresses")
  .addOptionalParam("from", "deployer and admin: index on a local node, env:NAME or file:PATH holding a private key", undefined, types.string)
  .addOptionalParam("preset", "paper1 (day-long epochs, 24 slots) or local (4-minute epochs, 4 slots)", "paper1", types.string)
  .addOptionalParam("model", "credit, dynamic-trust or classic", "credit", types.string)
  .addOptionalParam("rule", "top-k or weighted", "top-k", types.string)
  .addOptionalParam("delegates", "K, delegates per epoch (1-101)", undefined, types.string)
  .addOptionalParam("standbys", "standbys after the K delegates (0-32)", undefined, types.string)
  .addOptionalParam("token", "an existing ERC-20 to stake with (default: deploy a test token)", undefined, types.string)
  .addOptionalParam("poolShares", "how every inflow of the reward pool is shared: producers,attesters,keepers in basis points adding up to 10000 (default 6000,1500,2500)", undefined, types.string)
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
      options.rule = p.oneOf("--rule", args.rule as string, ["top-k", "weighted"] as const) === "top-k" ? ElectionRule.TopK : ElectionRule.WeightedRandom;
      if (args.delegates !== undefined) options.delegateCount = p.whole("--delegates", args.delegates as string, 1n, 101n);
      if (args.standbys !== undefined) options.standbyCount = p.whole("--standbys", args.standbys as string, 0n, 32n);
      if (args.token !== undefined) options.token = p.address("--token", args.token as string);
      if (args.poolShares !== undefined) {
        const shares = p.poolShares("--pool-shares", args.poolShares as string);
        [options.producerPoolShareBps, options.attesterPoolShareBps, options.keeperPoolShareBps] = [shares.producers, shares.attesters, shares.keepers];
      }
      if (hre.network.name === "hardhat") throw new Error('network "hardhat" forgets everything when the command ends: deploy to --network localhost (after `npx hardhat node`) or --network testnet');
      if (!("url" in hre.network.config)) throw new Error(`network "${hre.network.name}" has no url`);
      const provider = rpcProvider(hre.network.config.url);
      const admin = await signerFrom((args.from as string) ?? (hre.network.name === "testnet" ? "env:TESTNET_PRIVATE_KEY" : "0"), provider);
      const { deploySystem } = await import("../src/deployment/deploySystem");
      const { recordDeployment } = await import("../src/deployment/addressBook");
      const system = await deploySystem(admin, options);
      const block = await provider.getBlockNumber();
      const { file, record } = await recordDeployment(system, (await provider.getNetwork()).chainId, hre.network.name, block);
      if (args.json) console.log(JSON.stringify(record, null, 2));
      else {
        console.log(`Deployed to ${hre.network.name} (chain ${record.chainId}) by ${await admin.getAddress()}; addresses in ${file}:`);
        for (const [name, a] of Object.entries(record.contracts)) console.log(`  ${name.padEnd(9)} ${a}`);
      }
    }),
  );
