// The futures of a whole deployment, shared by the two modules of this folder: every contract's
// creation and every wiring call of src/deployment/wiring.ts (the same table deploySystem follows),
// each with its own id, so a deployment that stops half-way resumes where it stopped.
import type { ArgumentType, CallableContractFuture, IgnitionModuleBuilder } from "@nomicfoundation/ignition-core";
import { id } from "ethers";
import { defaultSystemOptions } from "../../src/deployment/deploySystem";
import { DEPLOY_OPTIONS } from "../../src/deployment/ignitionParameters";
import { CORE_WIRING, PAIR_WIRING, constructorArgs, type ContractKey, type OptionValues } from "../../src/deployment/wiring";

type Parameter = Parameters<IgnitionModuleBuilder["getParameter"]>[1];

/**
 * Deploy vault, registry, meter book, election, ledger and lens on `token`, from account 0 (the
 * admin, which holds every role afterwards), and wire them. Every option is a module parameter
 * with paper 1's default (`defaultSystemOptions`), except `genesis`, which has none: a resumed
 * deployment must see the same value, so it comes from the parameters file.
 */
export function buildSystem(m: IgnitionModuleBuilder, token: CallableContractFuture<string>) {
  const defaults = defaultSystemOptions() as unknown as Record<string, Parameter>;
  const o = Object.fromEntries(
    DEPLOY_OPTIONS.map((k) => [k, k === "genesis" ? m.getParameter<bigint>(k) : m.getParameter(k, defaults[k])]),
  ) as OptionValues;
  const admin = m.getAccount(0);
  const vault = m.contract("StakeVault", constructorArgs.vault(o, { admin, token }) as ArgumentType[], { id: "vault" });
  const registry = m.contract("NodeRegistry", constructorArgs.registry(o, { admin, vault }) as ArgumentType[], { id: "registry" });
  const meters = m.contract("MeterBook", constructorArgs.meters(o, { admin, registry, vault }) as ArgumentType[], { id: "meters" });
  const election = m.contract("DelegateElection", constructorArgs.election(o, { admin, registry, vault }) as ArgumentType[], {
    id: "election",
  });
  const ledger = m.contract("BlockLedger", constructorArgs.ledger(o, { admin, registry, vault, election }) as ArgumentType[], {
    id: "ledger",
  });
  const lens = m.contract("SnapshotLens", [], { id: "lens" });
  const contracts: Record<ContractKey, CallableContractFuture<string>> = { token, vault, registry, meters, election, ledger, lens };
  for (const step of [...PAIR_WIRING, ...CORE_WIRING]) {
    const to = step.to === "admin" ? admin : contracts[step.to];
    m.call(contracts[step.on], step.call, step.role ? [id(step.role), to] : [to], { id: step.id });
  }
  return contracts;
}
