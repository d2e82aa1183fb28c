// Hardhat Ignition module of a whole deployment staking an existing ERC-20, named by the
// parameter `token` (the "EnergyDpos" section of the parameters file); see EnergyDpos.ts.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { MODULE_ID } from "../../src/deployment/ignitionParameters";
import { buildSystem } from "./system";

export default buildModule(MODULE_ID, (m) => buildSystem(m, m.contractAt("IERC20", m.getParameter<string>("token"), { id: "token" })));
