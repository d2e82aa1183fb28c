// Hardhat Ignition module of a whole deployment with a fresh test token (the `mint` task is its
// faucet): `npx hardhat ignition deploy ignition/modules/EnergyDpos.ts --network testnet
// --parameters ignition/parameters/<name>.json`, then `npx hardhat record-deployment`.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { MODULE_ID } from "../../src/deployment/ignitionParameters";
import { buildSystem } from "./system";

export default buildModule(MODULE_ID, (m) => buildSystem(m, m.contract("TestToken", [], { id: "token" })));
